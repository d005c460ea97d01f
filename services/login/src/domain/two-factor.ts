import { AppError } from '@pupero/shared/errors';
import type { LoginDeps } from '../deps.ts';
import { audit } from './audit.ts';
import { proveSecondFactor } from './second-factor.ts';
import { newTotpSecret, totpEnrollment } from './totp.ts';
import { findUser } from './users.ts';

/** Step one: a new secret, kept pending until a code from it is confirmed. */
export async function startTwoFactor(deps: LoginDeps, userId: number, ip: string) {
  const user = await findUser(deps, userId);
  if (user.totpEnabled) throw new AppError('CONFLICT', 'Two-factor authentication is already on');
  const secret = newTotpSecret();
  await deps.prisma.user.update({ where: { id: userId }, data: { totpPendingSecret: secret } });
  await audit(deps, 'TOTP_ENABLE_STARTED', { userId, ip });
  return totpEnrollment(deps.config.TOTP_ISSUER, user.email, secret);
}

export async function confirmTwoFactor(deps: LoginDeps, userId: number, code: string, ip: string): Promise<void> {
  const user = await findUser(deps, userId);
  if (user.totpEnabled) throw new AppError('CONFLICT', 'Two-factor authentication is already on');
  if (!user.totpPendingSecret) throw new AppError('CONFLICT', 'Start with POST /2fa/enable');
  await proveSecondFactor(deps, user, user.totpPendingSecret, code, ip);
  const moved = await deps.prisma.user.updateMany({
    where: { id: userId, totpEnabled: false, totpPendingSecret: user.totpPendingSecret },
    data: { totpSecret: user.totpPendingSecret, totpPendingSecret: null, totpEnabled: true },
  });
  if (moved.count !== 1) throw new AppError('CONFLICT', 'Two-factor setup changed meanwhile; start again');
  await audit(deps, 'TOTP_ENABLED', { userId, ip });
}

export async function disableTwoFactor(deps: LoginDeps, userId: number, code: string, ip: string): Promise<void> {
  const user = await findUser(deps, userId);
  if (!user.totpEnabled || !user.totpSecret) throw new AppError('CONFLICT', 'Two-factor authentication is off');
  await proveSecondFactor(deps, user, user.totpSecret, code, ip);
  await deps.prisma.user.update({
    where: { id: userId },
    data: { totpEnabled: false, totpSecret: null, totpPendingSecret: null, totpLastStep: null },
  });
  await audit(deps, 'TOTP_DISABLED', { userId, ip });
}
