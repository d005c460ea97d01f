import type { FastifyRequest } from 'fastify';
import type { PeerKeys } from '../auth/keys.ts';
import { verifyServiceToken } from '../auth/service-token.ts';
import { AppError } from '../errors.ts';

export const SERVICE_TOKEN_HEADER = 'x-service-token';

declare module 'fastify' {
  interface FastifyRequest {
    callerService?: string;
  }
}

/** An onRequest hook for service-to-service routes (it runs before the body is read): only a token of one of `allowedCallers`, signed by its own key, for `callee`. */
export function requireService(peers: PeerKeys, callee: string, allowedCallers: readonly string[]) {
  return async function authenticateService(request: FastifyRequest) {
    const token = request.headers[SERVICE_TOKEN_HEADER];
    if (typeof token !== 'string' || token.length === 0) throw new AppError('FORBIDDEN', 'A service token is required');
    request.callerService = verifyServiceToken(peers, token, callee, allowedCallers);
  };
}
