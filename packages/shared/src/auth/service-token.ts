import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { verifyJwt } from './jwt.ts';
import { KEY_ALGORITHM, type PeerKeys, type SigningKey } from './keys.ts';

/**
 * Service-to-service tokens: signed by the calling service's own private key, `iss` = the caller,
 * `aud` = the callee, a short lifetime. A callee believes one only by the caller's public key, and
 * only from the callers it lists for that route.
 */
const SERVICE_ISSUER_PREFIX = 'pupero:';
const TTL_SECONDS = 60;
const REUSE_SECONDS = 30;

const serviceClaims = z.object({ typ: z.literal('service'), iss: z.string().startsWith(SERVICE_ISSUER_PREFIX) });

export function createServiceTokenSigner(key: SigningKey, caller: string) {
  const cache = new Map<string, { token: string; until: number }>();
  return function serviceTokenFor(callee: string): string {
    const now = Date.now();
    const cached = cache.get(callee);
    if (cached && cached.until > now) return cached.token;
    const token = jwt.sign({ typ: 'service' }, key.key, {
      algorithm: KEY_ALGORITHM,
      keyid: key.kid,
      issuer: SERVICE_ISSUER_PREFIX + caller,
      audience: SERVICE_ISSUER_PREFIX + callee,
      expiresIn: TTL_SECONDS,
    });
    cache.set(callee, { token, until: now + REUSE_SECONDS * 1000 });
    return token;
  };
}

/** Returns the calling service's name; throws unless an allowed caller signed the token for `callee` with its own key. */
export function verifyServiceToken(peers: PeerKeys, token: string, callee: string, allowedCallers: readonly string[]): string {
  const payload = jwt.decode(token);
  const issuer = typeof payload === 'object' && payload ? payload.iss : undefined;
  if (typeof issuer !== 'string' || !issuer.startsWith(SERVICE_ISSUER_PREFIX))
    throw new AppError('FORBIDDEN', 'A service token is required');
  const caller = issuer.slice(SERVICE_ISSUER_PREFIX.length);
  if (!allowedCallers.includes(caller)) throw new AppError('FORBIDDEN', `Service ${caller} may not call this endpoint`);
  const keys = peers.get(caller);
  if (!keys) throw new AppError('FORBIDDEN', `Service ${caller} may not call this service`);
  let verified: unknown;
  try {
    verified = verifyJwt(keys, { issuer, audience: SERVICE_ISSUER_PREFIX + callee }, token);
  } catch {
    throw new AppError('FORBIDDEN', 'A valid service token is required');
  }
  if (!serviceClaims.safeParse(verified).success) throw new AppError('FORBIDDEN', 'A service token is required');
  return caller;
}

/**
 * The browser's address, sent by the frontend next to its service token: the gateway believes it
 * only from a caller whose token it verifies (see the gateway's client-address.ts).
 */
export const CLIENT_ADDRESS_HEADER = 'x-pupero-client-ip';
