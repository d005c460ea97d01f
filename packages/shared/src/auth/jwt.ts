import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { KEY_ALGORITHM, type PublicKeys, type SigningKey } from './keys.ts';

export const roles = ['user', 'moderator', 'admin'] as const;
export type Role = (typeof roles)[number];

/** What verifies a user's access token: login's public keys (by kid), `iss` and `aud`; and, where it is known, revocation. */
export interface TokenSettings {
  keys: PublicKeys;
  issuer: string;
  audience: string;
  /** False when the token's version is no longer the user's (deleted, password or role changed, logged out everywhere). */
  isCurrent?: (identity: AccessIdentity) => Promise<boolean>;
}

/** What signs access tokens: login's private key, and only login holds it. */
export interface TokenIssuer {
  key: SigningKey;
  issuer: string;
  audience: string;
}

const accessClaims = z.object({
  sub: z.string().regex(/^\d+$/),
  role: z.enum(roles),
  username: z.string(),
  ver: z.number().int().nonnegative(),
  typ: z.literal('access'),
});

export interface AccessIdentity {
  userId: number;
  role: Role;
  username: string;
  /** The user's token version when the token was issued; bumping it ends every token issued before. */
  version: number;
}

export function signAccessToken(settings: TokenIssuer, identity: AccessIdentity, ttlSeconds: number): string {
  return jwt.sign({ role: identity.role, username: identity.username, ver: identity.version, typ: 'access' }, settings.key.key, {
    algorithm: KEY_ALGORITHM,
    keyid: settings.key.kid,
    subject: String(identity.userId),
    issuer: settings.issuer,
    audience: settings.audience,
    expiresIn: ttlSeconds,
  });
}

/** Verifies signature (by the key its `kid` names), algorithm, `iss`, `aud` and `exp`; throws TOKEN_EXPIRED or TOKEN_INVALID. */
export function verifyAccessToken(settings: TokenSettings, token: string): AccessIdentity {
  const claims = accessClaims.safeParse(verifyJwt(settings.keys, { issuer: settings.issuer, audience: settings.audience }, token));
  if (!claims.success) throw new AppError('TOKEN_INVALID', 'The access token is invalid');
  const { sub, role, username, ver } = claims.data;
  return { userId: Number(sub), role, username, version: ver };
}

/** Only ES256, only a key of `keys` named by the token's `kid`: no HS256 secret or stray key is ever tried. */
export function verifyJwt(keys: PublicKeys, expected: { issuer: string; audience: string }, token: string): unknown {
  const decoded = jwt.decode(token, { complete: true });
  const key = typeof decoded?.header.kid === 'string' ? keys.get(decoded.header.kid) : undefined;
  if (!key) throw new AppError('TOKEN_INVALID', 'The token is invalid');
  try {
    return jwt.verify(token, key, { algorithms: [KEY_ALGORITHM], issuer: expected.issuer, audience: expected.audience });
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) throw new AppError('TOKEN_EXPIRED', 'The token has expired');
    throw new AppError('TOKEN_INVALID', 'The token is invalid');
  }
}

/** Verification settings from a service's config (see accessTokenVariables), with its revocation check. */
export function tokenSettingsFrom(
  config: { ACCESS_TOKEN_PUBLIC_KEYS: PublicKeys; JWT_ISSUER: string; JWT_AUDIENCE: string },
  isCurrent?: TokenSettings['isCurrent'],
): TokenSettings {
  return {
    keys: config.ACCESS_TOKEN_PUBLIC_KEYS,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ...(isCurrent ? { isCurrent } : {}),
  };
}
