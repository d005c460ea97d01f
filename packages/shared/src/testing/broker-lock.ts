import mariadb from 'mariadb';
import { mariadbConfig } from '../db/connection.ts';
import { TEST_CONNECT_TIMEOUT_MS, testServerUrl } from './database.ts';

/**
 * Test files that use RabbitMQ take this lock for their whole run, so the one that stops and
 * starts the broker never pulls it from under another. Files without a broker still run in parallel.
 */
export async function holdBrokerLock(): Promise<() => Promise<void>> {
  const conn = await mariadb.createConnection(
    mariadbConfig(testServerUrl(), { database: undefined, connectTimeout: TEST_CONNECT_TIMEOUT_MS }),
  );
  const [row] = (await conn.query("SELECT GET_LOCK('pupero_test_broker', 600) AS got")) as { got: number | bigint }[];
  if (Number(row?.got) !== 1) throw new Error('could not take the test broker lock within 600 s');
  return async () => {
    await conn.query("SELECT RELEASE_LOCK('pupero_test_broker')");
    await conn.end();
  };
}

export const testBrokerUrl = () => process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
