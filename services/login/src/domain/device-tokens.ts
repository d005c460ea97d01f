import { randomUUID, sign } from 'node:crypto';
import { verifyJwt } from '@pupero/shared/jwt';
import { KEY_ALGORITHM } from '@pupero/shared/keys';
import { z } from 'zod';
import type { LoginDeps } from '../deps.ts';

/**
 * A device token ("device cookie", OWASP): proof that this client once logged in to the account.
 * Signed with login's access-token key but for its own audience, so no service ever takes it for
 * an access token (they all demand JWT_AUDIENCE and `typ: 'access'`).
 */
export const DEVICE_AUDIENCE = 'pupero-device';

const deviceClaims = z.object({
  sub: z.string().regex(/^\d+$/),
  did: z.uuid(),
  typ: z.literal('device'),
});

export function signDeviceToken(deps: Pick<LoginDeps, 'issuer' | 'config'>, userId: number, now: Date, deviceId: string = randomUUID()) {
  const iat = Math.floor(now.getTime() / 1000);
  const header = { alg: KEY_ALGORITHM, typ: 'JWT', kid: deps.issuer.key.kid };
  const claims = {
    sub: String(userId),
    did: deviceId,
    typ: 'device',
    iss: deps.issuer.issuer,
    aud: DEVICE_AUDIENCE,
    iat,
    exp: iat + deps.config.DEVICE_TOKEN_DAYS * 86_400,
  };
  const signed = `${base64url(header)}.${base64url(claims)}`;
  // ES256 as JWS wants it: the raw r || s signature, not DER. (verifyJwt checks it with jsonwebtoken.)
  const signature = sign('sha256', Buffer.from(signed), { key: deps.issuer.key.key, dsaEncoding: 'ieee-p1363' });
  return { token: `${signed}.${signature.toString('base64url')}`, deviceId };
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * The device id of a token that is valid for this very account; anything else (absent, forged,
 * expired, another account's) makes the client an untrusted one, never an error.
 */
export function trustedDevice(deps: Pick<LoginDeps, 'tokens'>, token: string | undefined, userId: number | undefined): string | undefined {
  if (!token || userId === undefined) return undefined;
  try {
    const claims = deviceClaims.safeParse(verifyJwt(deps.tokens.keys, { issuer: deps.tokens.issuer, audience: DEVICE_AUDIENCE }, token));
    return claims.success && Number(claims.data.sub) === userId ? claims.data.did : undefined;
  } catch {
    return undefined;
  }
}
