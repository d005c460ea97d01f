import { AppError } from '@pupero/shared/errors';
import type { LoginDeps } from '../deps.ts';
import { audit } from './audit.ts';
import { spendPasswordCheck, verifyPassword } from './passwords.ts';
import { proveSecondFactor } from './second-factor.ts';
import { issueSession } from './sessions.ts';
import { assertLoginAllowed } from './throttle.ts';
import { publicUser } from './users.ts';

export interface LoginInput {
  identifier: string;
  password: string;
  totp?: string | undefined;
  rememberMe?: boolean | undefined;
}

const invalidCredentials = () => new AppError('INVALID_CREDENTIALS', 'Wrong username, email or password');

/** The same answer, and about the same time, for an unknown user and a wrong password. */
export async function logIn(deps: LoginDeps, input: LoginInput, ip: string) {
  const identifier = input.identifier.trim();
  const user = await deps.prisma.user.findUnique({
    where: identifier.includes('@') ? { email: identifier.toLowerCase() } : { username: identifier },
  });
  await assertLoginAllowed(deps, ip, user?.id);
  if (!user) {
    await spendPasswordCheck(input.password);
    await audit(deps, 'LOGIN_FAILED', { ip, details: { reason: 'unknown-user' } });
    throw invalidCredentials();
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    await audit(deps, 'LOGIN_FAILED', { userId: user.id, ip, details: { reason: 'password' } });
    throw invalidCredentials();
  }
  if (user.totpEnabled && user.totpSecret) await proveSecondFactor(deps, user, user.totpSecret, input.totp, ip);
  const rememberMe = input.rememberMe ?? false;
  const tokens = await issueSession(deps, user, rememberMe);
  await audit(deps, 'LOGIN', { userId: user.id, ip, details: { rememberMe } });
  return { ...tokens, user: publicUser(user) };
}
