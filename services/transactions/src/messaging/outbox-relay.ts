import type { Broker } from '@pupero/shared/amqp';
import { inTransaction } from '@pupero/shared/db';
import type { Pool } from 'mariadb';
import type { Logger } from 'pino';

interface OutboxRow {
  id: bigint;
  queue: string;
  messageId: string;
  payload: string;
}

/**
 * Publishes outbox rows in order, each confirmed by the broker before it is stamped. Rows are
 * claimed with SKIP LOCKED, so several replicas relay side by side without sending one twice.
 * While the broker is away nothing is stamped; the rows wait and go out after it returns.
 */
export async function relayOutbox(pool: Pool, broker: Broker, batchSize = 100): Promise<number> {
  if (!broker.isConnected()) return 0;
  return inTransaction(pool, async (conn) => {
    const rows = (await conn.query(
      'SELECT id, queue, message_id AS messageId, payload FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED',
      [batchSize],
    )) as OutboxRow[];
    let published = 0;
    for (const row of rows) {
      try {
        await broker.publishJson(row.queue, JSON.parse(row.payload), { messageId: row.messageId });
      } catch {
        // The broker went away mid-batch: keep what was confirmed, leave the rest for later.
        break;
      }
      await conn.query('UPDATE outbox SET published_at = NOW(3), attempts = attempts + 1 WHERE id = ?', [row.id]);
      published += 1;
    }
    return published;
  });
}

export function startOutboxRelay(pool: Pool, broker: Broker, logger: Logger, intervalMs: number) {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      while (!stopped && (await relayOutbox(pool, broker)) > 0) {
        /* keep draining while there is work */
      }
    } catch (err) {
      logger.warn({ err }, 'outbox relay failed; retrying');
    }
  };
  const timer = setInterval(() => {
    running = running.then(tick);
  }, intervalMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
