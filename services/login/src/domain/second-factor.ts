import { AppError } from '@pupero/shared/errors';
import type { LoginDeps } from '../deps.ts';
import { audit } from './audit.ts';
import { assertLoginAllowed } from './throttle.ts';
import { consumeTotp } from './totp.ts';

/**
 * Every place that asks for a TOTP code (login, confirm, disable, account deletion) goes through
 * here: throttled like passwords, and a wrong code counts as a failed attempt.
 */
export async function proveSecondFactor(
  deps: LoginDeps,
  user: { id: number; totpLastStep: bigint | null },
  secret: string,
  code: string | undefined,
  ip: string,
) {
  await assertLoginAllowed(deps, ip, user.id);
  try {
    await consumeTotp(deps, user, secret, code);
  } catch (error) {
    if (error instanceof AppError && error.code === 'TOTP_INVALID') {
      await audit(deps, 'LOGIN_FAILED', { userId: user.id, ip, details: { reason: 'totp' } });
    }
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
