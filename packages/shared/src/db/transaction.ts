import type { Pool, PoolConnection } from 'mariadb';
import { AppError } from '../errors.ts';

// MariaDB's "deadlock found" and "lock wait timeout": the transaction was rolled back whole and
// can simply run again.
const RETRYABLE = new Set([1213, 1205]);
const DUPLICATE_KEY = 1062;
const CHECK_FAILED = 4025;

export const isDuplicateKey = (error: unknown) => (error as { errno?: number } | undefined)?.errno === DUPLICATE_KEY;
export const isCheckFailure = (error: unknown) => (error as { errno?: number } | undefined)?.errno === CHECK_FAILED;

/** Runs `work` in one database transaction on one connection (all of it or none), again after a deadlock. */
export async function inTransaction<T>(pool: Pool, work: (conn: PoolConnection) => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const conn = await pool.getConnection();
    try {
      await conn.beginTransaction();
      const result = await work(conn);
      await conn.commit();
      return result;
    } catch (error) {
      await conn.rollback().catch(() => undefined);
      const retryable = RETRYABLE.has((error as { errno?: number }).errno ?? 0);
      if (!retryable || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    } finally {
      conn.release();
    }
  }
}

/**
 * One statement outside a transaction, again after a deadlock: two single-row UPDATEs of the same
 * row that both touch a secondary index can deadlock in InnoDB, and the loser is simply run again.
 */
export async function queryRetrying<T = any>(pool: Pool, sql: string, values: unknown[] = [], attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return (await pool.query(sql, values)) as T;
    } catch (error) {
      if (!RETRYABLE.has((error as { errno?: number }).errno ?? 0) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}

/**
 * After a failed money transaction: two requests with one idempotency key can race past the first
 * lookup, and the unique key stops the second, which then answers with the first one's result
 * (`lookup`). A CHECK constraint failing means an overdraft got past the application's own check
 * and the database refused it.
 */
export async function answerAfterRace<T>(error: unknown, lookup: () => Promise<T | undefined>): Promise<T> {
  if (isDuplicateKey(error)) {
    const existing = await lookup();
    if (existing !== undefined) return existing;
  }
  if (isCheckFailure(error)) throw new AppError('INSUFFICIENT_FUNDS', 'Not enough available funds');
  throw error;
}
