import { AppError } from '@pupero/shared/errors';
import type { LoginDeps } from '../deps.ts';
import { audit } from './audit.ts';
import { issueRecoveryCodes } from './recovery-codes.ts';
import { proveRecoveryCode, proveSecondFactor } from './second-factor.ts';
import { newTotpSecret, totpEnrollment } from './totp.ts';
import { assertPassword, findUser } from './users.ts';

/**
 * Every step needs the current password: a stolen access token alone must not be able to turn
 * two-factor on (locking the owner out) or off.
 */
export interface TwoFactorChange {
  password: string;
  totp: string;
}

/** Turning 2FA off: a code from the app, or a recovery code when the app is lost. */
export interface TwoFactorRemoval {
  password: string;
  totp?: string | undefined;
  recoveryCode?: string | undefined;
}

/** Step one: a new secret, kept pending until a code from it is confirmed. */
export async function startTwoFactor(deps: LoginDeps, userId: number, password: string, ip: string) {
  const user = await findUser(deps, userId);
  if (user.totpEnabled) throw new AppError('CONFLICT', 'Two-factor authentication is already on');
  await assertPassword(deps, user, password, ip);
  const secret = newTotpSecret();
  await deps.prisma.user.update({ where: { id: userId }, data: { totpPendingSecret: secret } });
  await audit(deps, 'TOTP_ENABLE_STARTED', { userId, ip });
  return totpEnrollment(deps.config.TOTP_ISSUER, user.email, secret);
}

/** Step two: a code from the new secret turns 2FA on; the answer carries the recovery codes, shown this once. */
export async function confirmTwoFactor(deps: LoginDeps, userId: number, change: TwoFactorChange, ip: string): Promise<string[]> {
  const user = await findUser(deps, userId);
  if (user.totpEnabled) throw new AppError('CONFLICT', 'Two-factor authentication is already on');
  if (!user.totpPendingSecret) throw new AppError('CONFLICT', 'Start with POST /2fa/enable');
  await assertPassword(deps, user, change.password, ip);
  await proveSecondFactor(deps, user, user.totpPendingSecret, change.totp, ip);
  const moved = await deps.prisma.user.updateMany({
    where: { id: userId, totpEnabled: false, totpPendingSecret: user.totpPendingSecret },
    data: { totpSecret: user.totpPendingSecret, totpPendingSecret: null, totpEnabled: true },
  });
  if (moved.count !== 1) throw new AppError('CONFLICT', 'Two-factor setup changed meanwhile; start again');
  await audit(deps, 'TOTP_ENABLED', { userId, ip });
  return issueRecoveryCodes(deps, userId);
}

export async function disableTwoFactor(deps: LoginDeps, userId: number, change: TwoFactorRemoval, ip: string): Promise<void> {
  const user = await findUser(deps, userId);
  if (!user.totpEnabled || !user.totpSecret) throw new AppError('CONFLICT', 'Two-factor authentication is off');
  await assertPassword(deps, user, change.password, ip);
  if (change.recoveryCode) await proveRecoveryCode(deps, userId, change.recoveryCode, ip);
  else await proveSecondFactor(deps, user, user.totpSecret, change.totp, ip);
  await deps.prisma.$transaction([
    deps.prisma.user.update({
      where: { id: userId },
      data: { totpEnabled: false, totpSecret: null, totpPendingSecret: null, totpLastStep: null },
    }),
    deps.prisma.recoveryCode.deleteMany({ where: { userId } }),
  ]);
  await audit(deps, 'TOTP_DISABLED', { userId, ip });
}
