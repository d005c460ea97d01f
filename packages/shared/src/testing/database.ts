import { randomBytes } from 'node:crypto';
import mariadb from 'mariadb';
import { mariadbConfig, withDatabase } from '../db/connection.ts';
import { applyGrants, type DatabaseService, databaseServices, databaseUserName, serviceDatabaseUrl } from '../db/grants.ts';
import { migrate } from '../db/migrate.ts';

export const TEST_DATABASE_PREFIX = 'pupero_test_';

export interface TestDatabase {
  name: string;
  /** The admin (root) URL: migrations, grants, and tests that set data up directly. */
  url: string;
  /** The URL a service connects with: its own MariaDB user, with the grants of db/grants.ts. */
  urlFor(service: DatabaseService): string;
  /** One statement as the admin, in this database (test setup that no service may do). */
  query<T = any>(sql: string, values?: unknown[]): Promise<T>;
  drop(): Promise<void>;
}

/** The server tests use: MariaDB on its standard local port unless TEST_DATABASE_URL says otherwise. */
export function testServerUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/';
}

/**
 * A fresh database with every migration applied and a user per service holding exactly its grants,
 * as in production; `drop()` removes the database and its users. One per test file. The users are
 * this database's own (`<name>_login`, …), so test files never share or re-key one.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `${TEST_DATABASE_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(testServerUrl(), name);
  const userPrefix = `${name}_`;
  const passwords = Object.fromEntries(databaseServices.map((s) => [s, randomBytes(18).toString('base64url')])) as Record<
    DatabaseService,
    string
  >;
  await migrate(url);
  await applyGrants(url, name, passwords, { userPrefix });
  return {
    name,
    url,
    urlFor: (service) => serviceDatabaseUrl(url, name, service, passwords[service], userPrefix),
    query: async (sql, values) => {
      const conn = await mariadb.createConnection(mariadbConfig(url, { connectTimeout: TEST_CONNECT_TIMEOUT_MS }));
      try {
        return await conn.query(sql, values);
      } finally {
        await conn.end();
      }
    },
    drop: async () => {
      // Grants outlive DROP DATABASE in MariaDB: the users go first.
      const users = databaseServices.map((service) => `'${databaseUserName(service, userPrefix)}'@'%'`);
      await runOnServer(`DROP USER IF EXISTS ${users.join(', ')}`);
      await runOnServer(`DROP DATABASE IF EXISTS \`${name}\``);
    },
  };
}

/**
 * The driver gives up on a connection after 1 s; a test machine busy with a chain and a browser can
 * take longer to accept one, and a test's setup must not fail for that.
 */
export const TEST_CONNECT_TIMEOUT_MS = 15_000;

export async function runOnServer(sql: string, values?: unknown[]): Promise<unknown> {
  const conn = await mariadb.createConnection(
    mariadbConfig(testServerUrl(), { database: undefined, connectTimeout: TEST_CONNECT_TIMEOUT_MS }),
  );
  try {
    return await conn.query(sql, values);
  } finally {
    await conn.end();
  }
}
