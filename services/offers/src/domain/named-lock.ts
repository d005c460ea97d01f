import { AppError } from '@pupero/shared/errors';
import type { Pool, PoolConnection } from 'mariadb';

/**
 * Runs `work` holding a MariaDB named lock: one holder at a time across every replica (a lock
 * name is server-wide, so it is prefixed with the database's name). `work` is given the lock's own
 * connection: the holders waiting behind it keep theirs, and work that asked the pool for another
 * could starve it. Nobody waits longer than `timeoutSeconds`; after that the answer is a 429.
 */
export async function withNamedLock<T>(
  pool: Pool,
  name: string,
  timeoutSeconds: number,
  work: (conn: PoolConnection) => Promise<T>,
): Promise<T> {
  const conn = await pool.getConnection();
  try {
    const [row] = (await conn.query("SELECT GET_LOCK(CONCAT(DATABASE(), '.', ?), ?) AS got", [name, timeoutSeconds])) as {
      got: number | bigint | null;
    }[];
    if (Number(row?.got) !== 1) {
      throw new AppError('TOO_MANY_REQUESTS', 'Another request of yours is still being handled; try again in a moment', {
        retryAfterSeconds: 1,
      });
    }
    try {
      return await work(conn);
    } finally {
      await conn.query("SELECT RELEASE_LOCK(CONCAT(DATABASE(), '.', ?))", [name]);
    }
  } finally {
    conn.release();
  }
}
