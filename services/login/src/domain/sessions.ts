import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AppError } from '@pupero/shared/errors';
import { signAccessToken } from '@pupero/shared/jwt';
import { clock, type LoginDeps } from '../deps.ts';
import { audit } from './audit.ts';

export interface SessionUser {
  id: number;
  username: string;
  role: 'user' | 'moderator' | 'admin';
}

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

function refreshLifetimeMs(deps: LoginDeps, rememberMe: boolean): number {
  return rememberMe ? deps.config.REMEMBER_ME_DAYS * 86_400_000 : deps.config.REFRESH_TOKEN_TTL_HOURS * 3_600_000;
}

/** An access JWT and an opaque refresh token (stored only as its sha256) in a token family. */
export async function issueSession(
  deps: LoginDeps,
  user: SessionUser,
  rememberMe: boolean,
  familyId: string = randomUUID(),
): Promise<SessionTokens> {
  const refreshToken = randomBytes(32).toString('base64url');
  await deps.prisma.refreshToken.create({
    data: {
      userId: user.id,
      familyId,
      tokenHash: hashToken(refreshToken),
      rememberMe,
      expiresAt: new Date(clock(deps).getTime() + refreshLifetimeMs(deps, rememberMe)),
    },
  });
  const ttl = deps.config.ACCESS_TOKEN_TTL_SECONDS;
  const version = await tokenVersionOf(deps, user.id);
  if (version === undefined) throw new AppError('UNAUTHENTICATED', 'This account no longer exists');
  const accessToken = signAccessToken(deps.issuer, { userId: user.id, username: user.username, role: user.role, version }, ttl);
  return { accessToken, refreshToken, expiresIn: ttl };
}

/**
 * Rotation: a refresh token works once. Presenting one that was already rotated means it was
 * copied, so the whole family (every session descended from that login) is revoked.
 */
export async function rotateRefreshToken(deps: LoginDeps, refreshToken: string, ip: string): Promise<SessionTokens> {
  const now = clock(deps);
  const stored = await deps.prisma.refreshToken.findUnique({ where: { tokenHash: hashToken(refreshToken) }, include: { user: true } });
  if (!stored || stored.revokedAt !== null || stored.expiresAt <= now) {
    throw new AppError('REFRESH_TOKEN_INVALID', 'The refresh token is invalid or expired');
  }
  const claimed = await deps.prisma.refreshToken.updateMany({
    where: { id: stored.id, rotatedAt: null, revokedAt: null },
    data: { rotatedAt: now },
  });
  if (claimed.count !== 1) {
    await revokeFamily(deps, stored.familyId);
    await audit(deps, 'REFRESH_TOKEN_REUSED', { userId: stored.userId, ip, details: { familyId: stored.familyId } });
    throw new AppError('REFRESH_TOKEN_REUSED', 'The refresh token was already used; every session of this login was signed out');
  }
  return issueSession(deps, stored.user, stored.rememberMe, stored.familyId);
}

export async function revokeFamily(deps: LoginDeps, familyId: string): Promise<void> {
  await deps.prisma.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: clock(deps) } });
}

/** Logout: the token's whole family ends. Unknown tokens are ignored (logout is idempotent). */
export async function endSession(deps: LoginDeps, refreshToken: string): Promise<void> {
  const stored = await deps.prisma.refreshToken.findUnique({ where: { tokenHash: hashToken(refreshToken) } });
  if (stored) await revokeFamily(deps, stored.familyId);
}

/** "Log out everywhere": every refresh token of the user, and (through its version) every access token. */
export async function revokeAllSessions(deps: LoginDeps, userId: number): Promise<void> {
  await deps.prisma.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: clock(deps) } });
  await bumpTokenVersion(deps, userId);
}

/** The version a new access token of the user carries; undefined once the user is gone. */
export async function tokenVersionOf(deps: Pick<LoginDeps, 'prisma'>, userId: number): Promise<number | undefined> {
  return (await deps.prisma.tokenVersion.findUnique({ where: { userId } }))?.version;
}

/** Ends every access token issued to the user so far, on every service within a second (TOKEN_VERSION_CACHE_MS). */
export async function bumpTokenVersion(deps: Pick<LoginDeps, 'prisma'>, userId: number): Promise<void> {
  await deps.prisma.tokenVersion.updateMany({ where: { userId }, data: { version: { increment: 1 } } });
}
