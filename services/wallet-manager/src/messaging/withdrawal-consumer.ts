import { withdrawalRequested } from '@pupero/shared/contracts';
import { parseXmr } from '@pupero/shared/money';
import { consumeSigned } from '@pupero/shared/signed-consumer';
import type { WalletDeps } from '../deps.ts';
import { type RequestedSend, sendWithdrawal } from '../domain/sends.ts';

/**
 * Takes withdrawal requests off the queue. Only requests signed with the transactions service's
 * own key are believed, and only for the address and amount of the ledger's row: anyone else who
 * reaches the queue gets nothing sent (the request is dropped, logged and counted). With
 * RABBITMQ_POLL_INTERVAL_SECONDS = 0 each is sent at once; otherwise those arriving within the
 * window are sent one after another when it closes. A message is acked only after its attempt is
 * recorded, so a crash means redelivery, and the stored state of the send (never a rebuild)
 * decides what happens then.
 */
export async function consumeWithdrawals(deps: WalletDeps): Promise<void> {
  const windowMs = deps.config.RABBITMQ_POLL_INTERVAL_SECONDS * 1000;
  let batch: { id: bigint; requested: RequestedSend; done: (error?: unknown) => void }[] = [];
  const flush = async () => {
    const current = batch;
    batch = [];
    for (const item of current) {
      try {
        await sendWithdrawal(deps, item.id, item.requested);
        item.done();
      } catch (error) {
        item.done(error);
      }
    }
  };
  await consumeSigned(
    deps.broker,
    {
      queue: deps.config.RABBITMQ_QUEUE,
      kind: 'withdrawal-request',
      senders: ['transactions'],
      peers: deps.config.SERVICE_PUBLIC_KEYS,
      schema: withdrawalRequested,
      dropped: deps.droppedMessages,
      logger: deps.logger,
      prefetch: windowMs === 0 ? 1 : 100,
    },
    async (message) => {
      const id = BigInt(message.withdrawalId);
      const requested = { address: message.address, amount: parseXmr(message.amount, 'amount') };
      if (windowMs === 0) {
        await sendWithdrawal(deps, id, requested);
        return;
      }
      await new Promise<void>((resolve, reject) => {
        if (batch.length === 0) setTimeout(() => void flush(), windowMs);
        batch.push({ id, requested, done: (error) => (error ? reject(error) : resolve()) });
      });
    },
  );
}
