export { createServer, type Server, type ServerOptions } from './create-server.ts';
export { errorHandler, notFoundHandler, toErrorBody } from './error-handler.ts';
export { REQUEST_ID_HEADER, requestIdFor } from './request-id.ts';
export { bearerToken } from './bearer.ts';
export { healthRoute, type HealthCheck } from './health.ts';
export { identityOf, requireUser } from './authenticate.ts';
