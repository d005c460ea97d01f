import type { Pool } from 'mariadb';

/**
 * Runs `work` holding a MariaDB named lock: one holder at a time across every replica. Lock names
 * are server-wide, so each is prefixed with the database's name: two deployments (or two test
 * databases) on one server never wait for each other. Used to
 * serialize the wallet's sends (a transaction built with do_not_relay reserves no outputs, so two
 * builds at once could pick the same ones) and the creation of deposit subaddresses.
 */
export async function withNamedLock<T>(pool: Pool, name: string, work: () => Promise<T>, timeoutSeconds = 120): Promise<T> {
  const result = await tryNamedLock(pool, name, work, timeoutSeconds);
  if (!result.ran) throw new Error(`could not take the lock ${name} within ${timeoutSeconds} s`);
  return result.value;
}

/** Like withNamedLock, but when another holder keeps the lock past the timeout, `work` is skipped. */
export async function tryNamedLock<T>(
  pool: Pool,
  name: string,
  work: () => Promise<T>,
  timeoutSeconds: number,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const conn = await pool.getConnection();
  try {
    const [row] = (await conn.query("SELECT GET_LOCK(CONCAT(DATABASE(), '.', ?), ?) AS got", [name, timeoutSeconds])) as {
      got: number | bigint | null;
    }[];
    if (Number(row?.got) !== 1) return { ran: false };
    try {
      return { ran: true, value: await work() };
    } finally {
      await conn.query("SELECT RELEASE_LOCK(CONCAT(DATABASE(), '.', ?))", [name]);
    }
  } finally {
    conn.release();
  }
}
