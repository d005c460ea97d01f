import rateLimit from '@fastify/rate-limit';
import { AppError } from '@pupero/shared/errors';
import { createServer, type Server } from '@pupero/shared/http';
import type { TokenSettings } from '@pupero/shared/jwt';
import { loggerOptions } from '@pupero/shared/logger';
import { registerMetrics } from '@pupero/shared/metrics';
import { clientAddressResolver } from './client-address.ts';
import type { Config } from './config.ts';
import { gatewayHealthRoute } from './routes/health.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { proxyRoutes } from './routes/proxy.ts';
import { isCredentialRequest, upstreams } from './upstreams.ts';

export interface GatewayDeps {
  config: Config;
  tokens: TokenSettings;
}

/** Internal endpoints of every service live under /internal/; the gateway never routes them. */
const internalPath = /(^|\/)internal(\/|$)/i;
const BODY_LIMIT_BYTES = 256 * 1024;
/** Services' route tables change only with a deploy: their documents are asked again after a minute. */
const OPENAPI_MAX_AGE_MS = 60_000;

/**
 * The proxy streams bodies through untouched, so Fastify's bodyLimit never sees them: the size is
 * checked here, from Content-Length, before anything reaches a service. Streamed bodies of unknown
 * length are refused; every client we serve sends a length.
 */
function assertBodySize(headers: Record<string, string | string[] | undefined>) {
  if (headers['transfer-encoding'] !== undefined) throw new AppError('LENGTH_REQUIRED', 'Send a Content-Length instead of a chunked body');
  const length = Number(headers['content-length'] ?? 0);
  if (length > BODY_LIMIT_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `The body may be at most ${BODY_LIMIT_BYTES} bytes`);
}

/** The API gateway: the only public API. Rate limits, internal paths refused, JWT checked, proxied. */
export async function buildApp(deps: GatewayDeps, options: { logger?: boolean } = {}): Promise<Server> {
  const { config } = deps;
  const app = createServer({
    logger: options.logger === false ? false : loggerOptions('gateway', config.LOG_LEVEL),
    trustProxy: config.GATEWAY_TRUST_PROXY,
    bodyLimit: BODY_LIMIT_BYTES,
  });
  const pathOf = (url: string) => decodeURIComponent(url.split('?')[0] ?? url);
  const credentialRequest = (request: { method: string; url: string }) => {
    try {
      return isCredentialRequest(request.method, pathOf(request.url));
    } catch {
      return false;
    }
  };
  // Without the frontend's public key no caller can vouch for a client address.
  const clientAddress = clientAddressResolver(config.SERVICE_PUBLIC_KEYS);
  await app.register(rateLimit, {
    global: true,
    timeWindow: config.RATE_LIMIT_WINDOW_SECONDS * 1000,
    keyGenerator: (request) => `${clientAddress(request)}:${credentialRequest(request) ? 'credentials' : 'api'}`,
    max: (request) => (credentialRequest(request) ? config.AUTH_RATE_LIMIT_MAX : config.RATE_LIMIT_MAX),
    errorResponseBuilder: (_request, context) =>
      new AppError('TOO_MANY_REQUESTS', `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s`, {
        retryAfterSeconds: Math.ceil(context.ttl / 1000),
      }),
  });
  app.addHook('onRequest', async (request) => {
    let path: string;
    try {
      path = pathOf(request.url);
    } catch {
      throw new AppError('BAD_REQUEST', 'The path is not valid');
    }
    if (internalPath.test(path)) throw new AppError('NOT_FOUND', `Route ${request.method} ${path} not found`);
    assertBodySize(request.headers);
  });
  const list = upstreams(config);
  gatewayHealthRoute(app, list);
  registerMetrics(app, 'gateway');
  openApiRoutes(app, list, { timeoutMs: config.UPSTREAM_TIMEOUT_MS, maxAgeMs: OPENAPI_MAX_AGE_MS });
  await proxyRoutes(app, list, { tokens: deps.tokens, timeoutMs: config.UPSTREAM_TIMEOUT_MS, clientAddress });
  return app;
}
