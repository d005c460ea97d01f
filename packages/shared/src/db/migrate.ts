import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mariadb, { type Connection } from 'mariadb';
import { databaseName, mariadbConfig } from './connection.ts';

export const defaultMigrationsDir = fileURLToPath(new URL('../../../../prisma/migrations', import.meta.url));

// Prisma's own bookkeeping table, so `prisma migrate deploy` and `migrate status` agree with us.
const CREATE_BOOKKEEPING = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
  id VARCHAR(36) PRIMARY KEY NOT NULL,
  checksum VARCHAR(64) NOT NULL,
  finished_at DATETIME(3),
  migration_name VARCHAR(255) NOT NULL,
  logs TEXT,
  rolled_back_at DATETIME(3),
  started_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  applied_steps_count INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export async function createDatabaseIfMissing(databaseUrl: string): Promise<void> {
  const name = databaseName(databaseUrl);
  const conn = await mariadb.createConnection(mariadbConfig(databaseUrl, { database: undefined }));
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
}

/**
 * Applies `prisma/migrations/<timestamp>_<name>/migration.sql` in order, recording each in
 * `_prisma_migrations` with Prisma's sha256 checksum. Refuses an edited or half-applied migration.
 * Safe when several processes start at once (a named lock serializes them).
 */
export async function migrate(databaseUrl: string, migrationsDir = defaultMigrationsDir): Promise<string[]> {
  await createDatabaseIfMissing(databaseUrl);
  const conn = await mariadb.createConnection(mariadbConfig(databaseUrl, { multipleStatements: true }));
  try {
    const [lock] = (await conn.query("SELECT GET_LOCK(CONCAT(DATABASE(), '.pupero_migrations'), 120) AS got")) as {
      got: number | bigint | null;
    }[];
    if (Number(lock?.got) !== 1) throw new Error('Another process has been migrating this database for 120 s; try again');
    await conn.query(CREATE_BOOKKEEPING);
    const rows: AppliedRow[] = await conn.query('SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations');
    const applied = new Map(rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r]));
    const newlyApplied: string[] = [];
    for (const name of await migrationNames(migrationsDir)) {
      const sql = await readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const done = applied.get(name);
      if (done) {
        assertIntact(name, done, checksum);
        continue;
      }
      await applyOne(conn, name, sql, checksum);
      newlyApplied.push(name);
    }
    return newlyApplied;
  } finally {
    await conn.query("SELECT RELEASE_LOCK(CONCAT(DATABASE(), '.pupero_migrations'))").catch(() => undefined);
    await conn.end();
  }
}

async function migrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && /^\d{14}_\w+$/.test(e.name))
    .map((e) => e.name)
    .sort();
}

function assertIntact(name: string, row: AppliedRow, checksum: string) {
  if (row.finished_at === null) {
    throw new Error(`Migration ${name} started but did not finish; repair the database, then mark it rolled back`);
  }
  if (row.checksum !== checksum) {
    throw new Error(`Migration ${name} was edited after it was applied; add a new migration instead`);
  }
}

async function applyOne(conn: Connection, name: string, sql: string, checksum: string) {
  const id = randomUUID();
  await conn.query('INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at) VALUES (?, ?, ?, NOW(3))', [
    id,
    checksum,
    name,
  ]);
  try {
    await conn.query(sql);
  } catch (error) {
    await conn.query('UPDATE _prisma_migrations SET logs = ? WHERE id = ?', [String(error), id]);
    throw new Error(`Migration ${name} failed: ${(error as Error).message}`);
  }
  await conn.query('UPDATE _prisma_migrations SET finished_at = NOW(3), applied_steps_count = 1 WHERE id = ?', [id]);
}
