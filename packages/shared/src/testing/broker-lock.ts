import mariadb from 'mariadb';
import { mariadbConfig } from '../db/connection.ts';
import { TEST_CONNECT_TIMEOUT_MS, testServerUrl } from './database.ts';

/** Not named as a test database (those are dropped by their prefix): one row whose lock stands for the broker. */
const LOCK_TABLE = 'pupero_locks_for_tests.broker';
const WAIT_SECONDS = 600;

/**
 * Test files that use RabbitMQ hold this lock for their whole run: shared by all of them, which
 * run side by side; exclusive for the one that stops and starts the broker, so it never pulls the
 * broker from under another. It is a row lock in an open transaction (shared: LOCK IN SHARE MODE,
 * exclusive: FOR UPDATE), so a file that dies lets go with its connection.
 */
export async function holdBrokerLock(options: { exclusive?: boolean } = {}): Promise<() => Promise<void>> {
  const conn = await mariadb.createConnection(
    mariadbConfig(testServerUrl(), { database: undefined, connectTimeout: TEST_CONNECT_TIMEOUT_MS }),
  );
  try {
    await conn.query(`SET SESSION innodb_lock_wait_timeout = ${WAIT_SECONDS}`);
    await conn.query('CREATE DATABASE IF NOT EXISTS pupero_locks_for_tests');
    await conn.query(`CREATE TABLE IF NOT EXISTS ${LOCK_TABLE} (id TINYINT PRIMARY KEY) ENGINE=InnoDB`);
    await conn.query(`INSERT IGNORE INTO ${LOCK_TABLE} (id) VALUES (1)`);
    await conn.beginTransaction();
    await conn.query(`SELECT id FROM ${LOCK_TABLE} WHERE id = 1 ${options.exclusive ? 'FOR UPDATE' : 'LOCK IN SHARE MODE'}`);
  } catch (error) {
    await conn.end().catch(() => undefined);
    throw new Error(`could not take the test broker lock within ${WAIT_SECONDS} s: ${(error as Error).message}`);
  }
  return async () => {
    await conn.rollback();
    await conn.end();
  };
}

export const testBrokerUrl = () => process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
