import { createHash } from 'node:crypto';
import { AppError } from '@pupero/shared/errors';
import { clock, type LoginDeps } from '../deps.ts';
import { audit } from './audit.ts';
import { signDeviceToken, trustedDevice } from './device-tokens.ts';
import { spendPasswordCheck, verifyPassword } from './passwords.ts';
import { consumeRecoveryCode } from './recovery-codes.ts';
import { issueSession } from './sessions.ts';
import { assertLoginAllowed, type LoginAttempt } from './throttle.ts';
import { consumeTotp } from './totp.ts';
import { publicUser } from './users.ts';

export interface LoginInput {
  identifier: string;
  password: string;
  totp?: string | undefined;
  recoveryCode?: string | undefined;
  rememberMe?: boolean | undefined;
  deviceToken?: string | undefined;
}

const invalidCredentials = () => new AppError('INVALID_CREDENTIALS', 'Wrong username, email or password');

/** What an unknown identifier is counted by: a hash, so the audit log never holds what was typed. */
const identifierHash = (identifier: string) => createHash('sha256').update(identifier.toLowerCase()).digest('hex').slice(0, 32);

/** The same answer, and about the same time, for an unknown user and a wrong password. */
export async function logIn(deps: LoginDeps, input: LoginInput, ip: string) {
  const identifier = input.identifier.trim();
  const user = await deps.prisma.user.findUnique({
    where: identifier.includes('@') ? { email: identifier.toLowerCase() } : { username: identifier },
  });
  const attempt: LoginAttempt = {
    ip,
    userId: user?.id,
    identifier: identifierHash(identifier),
    deviceId: trustedDevice(deps, input.deviceToken, user?.id),
  };
  await assertLoginAllowed(deps, attempt);
  if (!user) {
    await spendPasswordCheck(input.password);
    await loginFailed(deps, attempt, 'unknown-user');
    throw invalidCredentials();
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    await loginFailed(deps, attempt, 'password');
    throw invalidCredentials();
  }
  if (user.totpEnabled && user.totpSecret) {
    try {
      if (input.recoveryCode) await consumeRecoveryCode(deps, user.id, input.recoveryCode, ip);
      else await consumeTotp(deps, user, user.totpSecret, input.totp);
    } catch (error) {
      // A wrong code at login is a failed login (of this account, address or device), never a signed-in failure.
      if (error instanceof AppError && error.code === 'TOTP_INVALID') await loginFailed(deps, attempt, 'totp');
      throw error;
    }
  }
  const rememberMe = input.rememberMe ?? false;
  const tokens = await issueSession(deps, user, rememberMe);
  const device = signDeviceToken(deps, user.id, clock(deps), attempt.deviceId);
  await audit(deps, 'LOGIN', { userId: user.id, ip, details: { rememberMe, device: device.deviceId } });
  return { ...tokens, deviceToken: device.token, user: publicUser(user) };
}

async function loginFailed(deps: LoginDeps, attempt: LoginAttempt, reason: 'unknown-user' | 'password' | 'totp') {
  await audit(deps, 'LOGIN_FAILED', {
    userId: attempt.userId ?? null,
    ip: attempt.ip,
    details: {
      reason,
      ...(attempt.userId === undefined ? { identifier: attempt.identifier } : {}),
      ...(attempt.deviceId !== undefined ? { device: attempt.deviceId } : {}),
    },
  });
}
