import httpProxy from '@fastify/http-proxy';
import { AppError } from '@pupero/shared/errors';
import { REQUEST_ID_HEADER, requireUser, type Server } from '@pupero/shared/http';
import type { TokenSettings } from '@pupero/shared/jwt';
import type { FastifyRequest } from 'fastify';
import { CLIENT_ADDRESS_HEADER, type ClientAddress } from '../client-address.ts';
import type { Upstream } from '../upstreams.ts';

const pathOf = (request: FastifyRequest) => request.url.split('?')[0] ?? request.url;

/** Headers a client must never be able to set on an internal hop. */
const hopHeaders = ['x-service-token', CLIENT_ADDRESS_HEADER, 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip'];

export interface ProxyOptions {
  tokens: TokenSettings;
  timeoutMs: number;
  clientAddress: ClientAddress;
}

export async function proxyRoutes(app: Server, upstreamList: Upstream[], options: ProxyOptions) {
  const { tokens, timeoutMs, clientAddress } = options;
  const authenticate = requireUser(tokens);
  for (const upstream of upstreamList) {
    for (const mount of upstream.mounts) {
      await app.register(httpProxy, {
        upstream: upstream.url,
        prefix: mount.prefix,
        rewritePrefix: mount.rewritePrefix,
        http: { requestOptions: { timeout: timeoutMs } },
        preHandler: async (request) => {
          const path = pathOf(request);
          const declared = upstream.routes.find((r) => r.method === request.method && r.path.test(path));
          if (!declared) throw new AppError('NOT_FOUND', `Route ${request.method} ${path} not found`);
          if (declared.auth) await authenticate(request);
        },
        replyOptions: {
          onError: (reply, { error }) => {
            const timedOut = (error as { statusCode?: number }).statusCode === 504;
            reply.log.warn({ err: error, upstream: upstream.name }, 'upstream request failed');
            reply.send(
              timedOut
                ? new AppError('GATEWAY_TIMEOUT', `The ${upstream.name} service did not answer in time`)
                : new AppError('SERVICE_UNAVAILABLE', `The ${upstream.name} service is unavailable; try again shortly`),
            );
          },
          rewriteRequestHeaders: (request, headers) => {
            const forwarded: Record<string, string | string[] | undefined> = { ...headers };
            for (const name of hopHeaders) delete forwarded[name];
            // No body goes upstream with a GET or HEAD: its client's Content-Length would make the
            // service wait for bytes that the next request on the pooled connection then supplies.
            if (request.method === 'GET' || request.method === 'HEAD') delete forwarded['content-length'];
            forwarded[REQUEST_ID_HEADER] = String(request.id);
            forwarded['x-forwarded-for'] = clientAddress(request);
            return forwarded;
          },
        },
      });
    }
  }
}
