export { identityOf, requireUser } from './authenticate.ts';
export { bearerToken } from './bearer.ts';
export { createServer, type Server, type ServerOptions } from './create-server.ts';
export { errorHandler, notFoundHandler, toErrorBody } from './error-handler.ts';
export { type HealthCheck, healthRoute } from './health.ts';
export { REQUEST_ID_HEADER, requestIdFor } from './request-id.ts';
export { requireService, SERVICE_TOKEN_HEADER } from './require-service.ts';
export { serve } from './serve.ts';
export { type ServiceCall, type ServiceClientOptions, serviceClient } from './service-client.ts';
