import { AppError } from '@pupero/shared/errors';
import type { Pool, PoolConnection } from 'mariadb';

export type AccountKind = 'USER' | 'HOT_WALLET' | 'ESCROW' | 'FEES' | 'WITHDRAWALS_PENDING';

export interface LockedAccount {
  id: number;
  code: string;
  kind: AccountKind;
  balance: bigint;
  held: bigint;
}

export const userAccount = (userId: number) => `USER:${userId}`;

export function userIdOf(code: string): number | undefined {
  const match = /^USER:(\d+)$/.exec(code);
  return match ? Number(match[1]) : undefined;
}

// Accounts are never deleted, so one that was seen to exist needs no second look (per pool).
const knownAccounts = new WeakMap<Pool, Set<string>>();

/**
 * User accounts are created on first use, outside any money transaction (autocommit), so that
 * creating one never holds a lock while balances are locked.
 */
export async function ensureAccounts(pool: Pool, codes: readonly string[]): Promise<void> {
  const known = knownAccounts.get(pool) ?? new Set<string>();
  knownAccounts.set(pool, known);
  for (const code of codes) {
    const userId = userIdOf(code);
    if (userId === undefined || known.has(code)) continue;
    await pool.query("INSERT IGNORE INTO accounts (code, kind, user_id) VALUES (?, 'USER', ?)", [code, userId]);
    known.add(code);
  }
}

/**
 * The side money leaves: a user account never made has nothing to give, so the movement is refused
 * here, as the balance check would refuse it, without making an empty account for a refused request.
 */
export async function assertDebitable(pool: Pool, code: string): Promise<void> {
  const known = knownAccounts.get(pool);
  if (userIdOf(code) === undefined || known?.has(code)) return;
  const [row] = await pool.query('SELECT 1 AS found FROM accounts WHERE code = ?', [code]);
  if (!row) throw new AppError('INSUFFICIENT_FUNDS', 'Not enough available funds');
}

/** Locks the accounts in id order (the one order every transaction uses, so none deadlocks on them). */
export async function lockAccounts(conn: PoolConnection, codes: readonly string[]): Promise<Map<string, LockedAccount>> {
  const rows: LockedAccount[] = await conn.query(
    'SELECT id, code, kind, balance, held FROM accounts WHERE code IN (?) ORDER BY id FOR UPDATE',
    [codes],
  );
  const byCode = new Map(rows.map((r) => [r.code, r]));
  for (const code of codes) {
    if (!byCode.has(code)) throw new AppError('UNPROCESSABLE', `Account ${code} does not exist`);
  }
  return byCode;
}

export function available(account: LockedAccount): bigint {
  return account.balance - account.held;
}

/** Only user accounts are bounded: system accounts (the hot wallet, fees) may go negative. */
export function assertCovers(account: LockedAccount, amount: bigint): void {
  if (account.kind === 'USER' && available(account) < amount) {
    throw new AppError('INSUFFICIENT_FUNDS', 'Not enough available funds');
  }
}
