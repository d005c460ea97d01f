import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { verifyJwt } from './jwt.ts';

/**
 * Service-to-service tokens: their own secret (never the users' JWT secret), `iss` = the calling
 * service, `aud` = the callee, a short lifetime. Money endpoints accept nothing else.
 */
const SERVICE_ISSUER_PREFIX = 'pupero:';
const TTL_SECONDS = 60;
const REUSE_SECONDS = 30;

const serviceClaims = z.object({ typ: z.literal('service'), iss: z.string().startsWith(SERVICE_ISSUER_PREFIX) });

export function createServiceTokenSigner(key: KeyObject, caller: string) {
  const cache = new Map<string, { token: string; until: number }>();
  return function serviceTokenFor(callee: string): string {
    const now = Date.now();
    const cached = cache.get(callee);
    if (cached && cached.until > now) return cached.token;
    const token = jwt.sign({ typ: 'service' }, key, {
      algorithm: 'HS256',
      issuer: SERVICE_ISSUER_PREFIX + caller,
      audience: SERVICE_ISSUER_PREFIX + callee,
      expiresIn: TTL_SECONDS,
    });
    cache.set(callee, { token, until: now + REUSE_SECONDS * 1000 });
    return token;
  };
}

/** Returns the calling service's name; throws unless the token is a service token meant for `callee`. */
export function verifyServiceToken(key: KeyObject, token: string, callee: string, allowedCallers?: readonly string[]): string {
  const payload = jwt.decode(token);
  const issuer = typeof payload === 'object' && payload ? payload.iss : undefined;
  if (typeof issuer !== 'string') throw new AppError('FORBIDDEN', 'A service token is required');
  let verified: unknown;
  try {
    verified = verifyJwt({ key, issuer, audience: SERVICE_ISSUER_PREFIX + callee }, token);
  } catch {
    throw new AppError('FORBIDDEN', 'A valid service token is required');
  }
  const claims = serviceClaims.safeParse(verified);
  if (!claims.success) throw new AppError('FORBIDDEN', 'A service token is required');
  const caller = claims.data.iss.slice(SERVICE_ISSUER_PREFIX.length);
  if (allowedCallers && !allowedCallers.includes(caller)) {
    throw new AppError('FORBIDDEN', `Service ${caller} may not call this endpoint`);
  }
  return caller;
}

/**
 * The browser's address, sent by the frontend next to its service token: the gateway believes it
 * only from a caller whose token it verifies (see the gateway's client-address.ts).
 */
export const CLIENT_ADDRESS_HEADER = 'x-pupero-client-ip';
