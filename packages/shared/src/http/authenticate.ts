import type { FastifyRequest } from 'fastify';
import { type AccessIdentity, type Role, type TokenSettings, verifyAccessToken } from '../auth/jwt.ts';
import { AppError } from '../errors.ts';
import { bearerToken } from './bearer.ts';

declare module 'fastify' {
  interface FastifyRequest {
    identity?: AccessIdentity;
  }
}

/** An onRequest hook (it runs before the body is read, so a caller without the right learns nothing of what the route takes) that admits a valid access token and puts its identity on the request. */
export function requireUser(settings: TokenSettings, allowedRoles?: readonly Role[]) {
  return async function authenticate(request: FastifyRequest) {
    const token = bearerToken(request);
    if (!token) throw new AppError('UNAUTHENTICATED', 'An access token is required');
    const identity = verifyAccessToken(settings, token);
    if (settings.isCurrent && !(await settings.isCurrent(identity))) {
      throw new AppError('TOKEN_REVOKED', 'This session has ended; sign in again');
    }
    if (allowedRoles && !allowedRoles.includes(identity.role)) {
      throw new AppError('FORBIDDEN', 'You are not allowed to do this');
    }
    request.identity = identity;
  };
}

/** The caller of a route guarded by requireUser. */
export function identityOf(request: FastifyRequest): AccessIdentity {
  if (!request.identity) throw new AppError('UNAUTHENTICATED', 'An access token is required');
  return request.identity;
}
