import { AppError } from '@pupero/shared/errors';
import type { LoginDeps } from '../deps.ts';
import { audit } from './audit.ts';
import { consumeRecoveryCode } from './recovery-codes.ts';
import { assertSignedInAllowed } from './throttle.ts';
import { consumeTotp } from './totp.ts';

/**
 * Every code asked of a signed-in user (2FA confirm and disable, account deletion, withdrawals,
 * releases) goes through here: its own throttle, fed only by this user's wrong answers in such
 * checks, so strangers failing logins never hold up the owner's withdrawals or releases.
 */
export async function proveSecondFactor(
  deps: LoginDeps,
  user: { id: number; totpLastStep: bigint | null },
  secret: string,
  code: string | undefined,
  ip: string,
) {
  if (!code) throw new AppError('TOTP_REQUIRED', 'A two-factor code is required');
  await throttled(deps, user.id, ip, () => consumeTotp(deps, user, secret, code));
}

/** A recovery code in place of the app's code, under the same throttle (turning 2FA off after losing the app). */
export async function proveRecoveryCode(deps: LoginDeps, userId: number, code: string, ip: string) {
  await throttled(deps, userId, ip, () => consumeRecoveryCode(deps, userId, code, ip));
}

async function throttled(deps: LoginDeps, userId: number, ip: string, check: () => Promise<void>) {
  await assertSignedInAllowed(deps, userId);
  try {
    await check();
  } catch (error) {
    if (error instanceof AppError && error.code === 'TOTP_INVALID') await audit(deps, 'SECOND_FACTOR_FAILED', { userId, ip });
    throw error;
  }
}

/** When the user has 2FA on, the code must be right (and unused); otherwise nothing is asked. */
export async function checkSecondFactorFor(deps: LoginDeps, userId: number, code: string | undefined, ip: string) {
  const user = await deps.prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new AppError('NOT_FOUND', 'No such user');
  if (!user.totpEnabled || !user.totpSecret) return { required: false };
  await proveSecondFactor(deps, user, user.totpSecret, code, ip);
  return { required: true };
}
