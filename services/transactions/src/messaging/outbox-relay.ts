import { exchangeFor } from '@pupero/shared/amqp';
import { inTransaction } from '@pupero/shared/db';
import { signMessage } from '@pupero/shared/signed-message';
import type { Logger } from 'pino';
import type { TransactionsDeps } from '../deps.ts';

interface OutboxRow {
  id: bigint;
  queue: string;
  messageId: string;
  payload: string;
}

type RelayDeps = Pick<TransactionsDeps, 'pool' | 'broker' | 'config'>;

/**
 * Publishes outbox rows in order, each confirmed by the broker before it is stamped. Rows are
 * claimed with SKIP LOCKED, so several replicas relay side by side without sending one twice.
 * While the broker is away nothing is stamped; the rows wait and go out after it returns. The
 * outbox holds withdrawal requests only: each is signed with this service's own key over the
 * exact bytes stored, which the wallet manager checks before it sends anything.
 */
export async function relayOutbox(deps: RelayDeps, batchSize = 100): Promise<number> {
  const { pool, broker } = deps;
  if (!broker.isConnected()) return 0;
  return inTransaction(pool, async (conn) => {
    const rows = (await conn.query(
      'SELECT id, queue, message_id AS messageId, payload FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED',
      [batchSize],
    )) as OutboxRow[];
    let published = 0;
    for (const row of rows) {
      const content = Buffer.from(row.payload, 'utf8');
      const headers = signMessage('withdrawal-request', content, deps.config.SERVICE_SIGNING_KEY, 'transactions');
      try {
        await broker.publish(exchangeFor(row.queue), content, { messageId: row.messageId, headers });
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

export function startOutboxRelay(deps: RelayDeps, logger: Logger) {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      while (!stopped && (await relayOutbox(deps)) > 0) {
        /* keep draining while there is work */
      }
    } catch (err) {
      logger.warn({ err }, 'outbox relay failed; retrying');
    }
  };
  const timer = setInterval(() => {
    running = running.then(tick);
  }, deps.config.OUTBOX_POLL_MS);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
