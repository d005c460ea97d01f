import { withdrawalRequested } from '@pupero/shared/contracts';
import { AppError } from '@pupero/shared/errors';
import type { WalletDeps } from '../deps.ts';
import { sendWithdrawal } from '../domain/sends.ts';

/**
 * Takes withdrawal requests off the queue. With RABBITMQ_POLL_INTERVAL_SECONDS = 0 each is sent at
 * once; otherwise those arriving within the window are sent one after another when it closes. A
 * message is acked only after its attempt is recorded, so a crash means redelivery, and the stored
 * state of the send (never a rebuild) decides what happens then.
 */
export async function consumeWithdrawals(deps: WalletDeps): Promise<void> {
  const windowMs = deps.config.RABBITMQ_POLL_INTERVAL_SECONDS * 1000;
  // A request for a withdrawal we do not have cannot succeed later: drop it, loudly, rather than loop.
  const send = async (id: bigint) => {
    try {
      await sendWithdrawal(deps, id);
    } catch (error) {
      if (error instanceof AppError && error.statusCode < 500)
        deps.logger.error({ err: error, withdrawalId: String(id) }, 'dropping a withdrawal request');
      else throw error;
    }
  };
  let batch: { id: bigint; done: (error?: unknown) => void }[] = [];
  const flush = async () => {
    const current = batch;
    batch = [];
    for (const item of current) {
      try {
        await send(item.id);
        item.done();
      } catch (error) {
        item.done(error);
      }
    }
  };
  await deps.broker.consumeJson(
    deps.config.RABBITMQ_QUEUE,
    async (body) => {
      const message = withdrawalRequested.safeParse(body);
      if (!message.success) {
        deps.logger.warn({ issues: message.error.issues }, 'dropping a malformed withdrawal request');
        return;
      }
      const id = BigInt(message.data.withdrawalId);
      if (windowMs === 0) {
        await send(id);
        return;
      }
      await new Promise<void>((resolve, reject) => {
        if (batch.length === 0) setTimeout(() => void flush(), windowMs);
        batch.push({ id, done: (error) => (error ? reject(error) : resolve()) });
      });
    },
    { prefetch: windowMs === 0 ? 1 : 100 },
  );
}
