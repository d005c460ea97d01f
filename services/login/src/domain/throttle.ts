import { AppError } from '@pupero/shared/errors';
import { clock, type LoginDeps } from '../deps.ts';
import { accountsFailedFrom, type FailureScope, recentFailures } from './failures.ts';

/**
 * Growing delays, never a lock (OWASP's credential-stuffing guidance): a few failures are free,
 * then each one more doubles the wait before the next try, up to LOGIN_MAX_DELAY_SECONDS. A
 * refused attempt writes nothing, so hammering a 429 never lengthens the wait; only failures do.
 */
export function nextAttemptAt(failuresNewestFirst: Date[], free: number, maxDelaySeconds: number): Date | undefined {
  const newest = failuresNewestFirst[0];
  const beyond = failuresNewestFirst.length - free;
  if (!newest || beyond <= 0) return undefined;
  return new Date(newest.getTime() + Math.min(2 ** (beyond - 1), maxDelaySeconds) * 1000);
}

/** Who tries to log in: the account (or the hash of an identifier no account has), from where, and the device it proved. */
export interface LoginAttempt {
  ip: string;
  userId: number | undefined;
  identifier: string;
  deviceId: string | undefined;
}

/**
 * A device that logged in to the account before answers only for its own failures. Every other
 * client waits after failures on the account from its address, after many failures on the account
 * from anywhere (distributed guessing), and when its address failed on too many accounts.
 */
export async function assertLoginAllowed(deps: LoginDeps, attempt: LoginAttempt): Promise<void> {
  const { LOGIN_FREE_FAILURES, LOGIN_ACCOUNT_FREE_FAILURES } = deps.config;
  const { ip, userId, identifier, deviceId } = attempt;
  let waits: Promise<Date | undefined>[];
  if (userId === undefined) {
    waits = [delayOf(deps, { kind: 'unknown-at-address', identifier, ip }, LOGIN_FREE_FAILURES), addressDelay(deps, ip)];
  } else if (deviceId !== undefined) {
    waits = [delayOf(deps, { kind: 'device', userId, deviceId }, LOGIN_FREE_FAILURES)];
  } else {
    waits = [
      delayOf(deps, { kind: 'account-at-address', userId, ip }, LOGIN_FREE_FAILURES),
      delayOf(deps, { kind: 'account-untrusted', userId }, LOGIN_ACCOUNT_FREE_FAILURES),
      addressDelay(deps, ip),
    ];
  }
  refuseUntil(deps, await Promise.all(waits));
}

/** Checks from a signed-in session (2FA changes, deletion, withdrawals, releases): fed only by that user's wrong codes and passwords in them. */
export async function assertSignedInAllowed(deps: LoginDeps, userId: number): Promise<void> {
  refuseUntil(deps, [await delayOf(deps, { kind: 'signed-in', userId }, deps.config.SIGNED_IN_FREE_FAILURES)]);
}

async function delayOf(deps: LoginDeps, scope: FailureScope, free: number): Promise<Date | undefined> {
  const { LOGIN_MAX_DELAY_SECONDS: cap, LOGIN_FAILURE_WINDOW_SECONDS: window } = deps.config;
  const since = new Date(clock(deps).getTime() - window * 1000);
  // Past free + log2(cap) + 1 failures the wait is the cap: older rows change nothing.
  const failures = await recentFailures(deps, scope, since, free + Math.ceil(Math.log2(cap)) + 1);
  return nextAttemptAt(failures, free, cap);
}

/** An address on which untrusted clients failed on this many accounts waits until the oldest of them leaves the window. */
async function addressDelay(deps: LoginDeps, ip: string): Promise<Date | undefined> {
  const { LOGIN_MAX_ACCOUNTS_PER_ADDRESS: max, LOGIN_ADDRESS_WINDOW_SECONDS: window } = deps.config;
  const accounts = await accountsFailedFrom(deps, ip, new Date(clock(deps).getTime() - window * 1000), max);
  const oldest = accounts[max - 1];
  return oldest && new Date(oldest.getTime() + window * 1000);
}

function refuseUntil(deps: LoginDeps, waits: (Date | undefined)[]) {
  const until = Math.max(0, ...waits.map((w) => w?.getTime() ?? 0));
  const seconds = Math.ceil((until - clock(deps).getTime()) / 1000);
  if (seconds <= 0) return;
  throw new AppError('TOO_MANY_REQUESTS', `Too many failed attempts; try again in ${seconds} s`, { retryAfterSeconds: seconds });
}
