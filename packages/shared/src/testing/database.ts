import { randomBytes } from 'node:crypto';
import mariadb from 'mariadb';
import { mariadbConfig, withDatabase } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';

export const TEST_DATABASE_PREFIX = 'pupero_test_';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** The server tests use: MariaDB on its standard local port unless TEST_DATABASE_URL says otherwise. */
export function testServerUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/';
}

/** A fresh database with every migration applied; `drop()` removes it. One per test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `${TEST_DATABASE_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(testServerUrl(), name);
  await migrate(url);
  return {
    name,
    url,
    drop: async () => {
      await runOnServer(`DROP DATABASE IF EXISTS \`${name}\``);
    },
  };
}

export async function runOnServer(sql: string, values?: unknown[]): Promise<unknown> {
  const conn = await mariadb.createConnection(mariadbConfig(testServerUrl(), { database: undefined }));
  try {
    return await conn.query(sql, values);
  } finally {
    await conn.end();
  }
}
