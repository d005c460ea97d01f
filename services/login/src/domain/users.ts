import { Prisma } from '@pupero/shared/db';
import { AppError } from '@pupero/shared/errors';
import type { LoginDeps } from '../deps.ts';
import { audit } from './audit.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { proveSecondFactor } from './second-factor.ts';
import { revokeAllSessions } from './sessions.ts';
import { assertSignedInAllowed } from './throttle.ts';

interface UserRow {
  id: number;
  email: string;
  username: string;
  role: 'user' | 'moderator' | 'admin';
  totpEnabled: boolean;
  createdAt: Date;
}

/** What a user may see of an account: never the hash, never the TOTP secret. */
export function publicUser(user: UserRow) {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    role: user.role,
    twoFactorEnabled: user.totpEnabled,
    createdAt: user.createdAt.toISOString(),
  };
}

export async function register(deps: LoginDeps, input: { email: string; username: string; password: string }, ip: string) {
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await deps.prisma.user.create({
      data: { email: input.email, username: input.username, passwordHash, tokenVersion: { create: {} } },
    });
    await audit(deps, 'REGISTERED', { userId: user.id, ip });
    return publicUser(user);
  } catch (error) {
    throw uniqueViolation(error) ?? error;
  }
}

export async function findUser(deps: LoginDeps, userId: number) {
  const user = await deps.prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new AppError('UNAUTHENTICATED', 'This account no longer exists');
  return user;
}

export interface ProfileChange {
  currentPassword: string;
  email?: string | undefined;
  username?: string | undefined;
  newPassword?: string | undefined;
}

/** Every change needs the current password; a new password revokes every refresh token, the caller's too. */
export async function updateProfile(deps: LoginDeps, userId: number, change: ProfileChange, ip: string) {
  const user = await findUser(deps, userId);
  await assertPassword(deps, user, change.currentPassword, ip);
  const data: Prisma.UserUpdateInput = {};
  if (change.email !== undefined) data.email = change.email;
  if (change.username !== undefined) data.username = change.username;
  if (change.newPassword !== undefined) data.passwordHash = await hashPassword(change.newPassword);
  try {
    const updated = await deps.prisma.user.update({ where: { id: userId }, data });
    if (change.newPassword !== undefined) await revokeAllSessions(deps, userId);
    await audit(deps, 'PROFILE_UPDATED', { userId, ip, details: { fields: Object.keys(data).join(',') } });
    return publicUser(updated);
  } catch (error) {
    throw uniqueViolation(error) ?? error;
  }
}

export async function deleteAccount(deps: LoginDeps, userId: number, input: { password: string; totp?: string | undefined }, ip: string) {
  const user = await findUser(deps, userId);
  await assertPassword(deps, user, input.password, ip);
  if (user.totpEnabled && user.totpSecret) await proveSecondFactor(deps, user, user.totpSecret, input.totp, ip);
  await settleElsewhere(deps, userId);
  await deps.prisma.user.delete({ where: { id: userId } });
  await audit(deps, 'ACCOUNT_DELETED', { userId, ip, details: { username: user.username } });
}

/**
 * An account still holding coins, in a trade or with a withdrawal or deposit on its way cannot be
 * deleted: the money would have no owner left to withdraw it or to answer for the trade. The ledger
 * and the offers service own those facts and are asked; without either configured nothing can be
 * checked, so the deletion is refused rather than risked.
 */
async function settleElsewhere(deps: LoginDeps, userId: number) {
  if (!deps.transactions || !deps.offers) {
    throw new AppError('SERVICE_UNAVAILABLE', 'Accounts cannot be deleted right now: the ledger and the offers service must be reachable');
  }
  const money = await deps.transactions<{ open: boolean }>('GET', `/internal/users/${userId}/open-money`);
  if (money.open)
    throw new AppError('CONFLICT', 'Withdraw your balance and wait for your deposits and withdrawals before deleting the account');
  // Refused (409) while a trade is open or its escrow unsettled; otherwise the user's offers are closed.
  await deps.offers('POST', `/internal/users/${userId}/close`);
}

/**
 * The current password, asked of a signed-in user before a change: guessing it is throttled with
 * the user's other signed-in checks (not with logins), and a wrong one counts there.
 */
export async function assertPassword(deps: LoginDeps, user: { id: number; passwordHash: string }, password: string, ip: string) {
  await assertSignedInAllowed(deps, user.id);
  if (await verifyPassword(user.passwordHash, password)) return;
  await audit(deps, 'SESSION_PASSWORD_FAILED', { userId: user.id, ip });
  throw new AppError('INVALID_CREDENTIALS', 'The current password is wrong');
}

function uniqueViolation(error: unknown): AppError | undefined {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
    return new AppError('CONFLICT', 'That email or username is already taken');
  }
  return undefined;
}
