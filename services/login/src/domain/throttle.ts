import { AppError } from '@pupero/shared/errors';
import { clock, type LoginDeps } from '../deps.ts';

/**
 * Failed logins are audit rows; counting recent ones per account and per IP throttles guessing
 * across every replica without another store.
 */
export async function assertLoginAllowed(deps: LoginDeps, ip: string, userId: number | undefined): Promise<void> {
  const { LOGIN_MAX_FAILURES_PER_ACCOUNT, LOGIN_MAX_FAILURES_PER_IP, LOGIN_THROTTLE_WINDOW_SECONDS } = deps.config;
  const since = new Date(clock(deps).getTime() - LOGIN_THROTTLE_WINDOW_SECONDS * 1000);
  const [byIp, byAccount] = await Promise.all([
    deps.prisma.auditLog.count({ where: { action: 'LOGIN_FAILED', ip, createdAt: { gte: since } } }),
    userId === undefined ? 0 : deps.prisma.auditLog.count({ where: { action: 'LOGIN_FAILED', userId, createdAt: { gte: since } } }),
  ]);
  if (byIp >= LOGIN_MAX_FAILURES_PER_IP || byAccount >= LOGIN_MAX_FAILURES_PER_ACCOUNT) {
    throw new AppError('TOO_MANY_REQUESTS', 'Too many failed attempts; try again later', {
      retryAfterSeconds: LOGIN_THROTTLE_WINDOW_SECONDS,
    });
  }
}
