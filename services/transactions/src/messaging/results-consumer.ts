import { withdrawalResult } from '@pupero/shared/contracts';
import { consumeSigned } from '@pupero/shared/signed-consumer';
import type { Logger } from 'pino';
import type { TransactionsDeps } from '../deps.ts';
import { recordWithdrawalResult } from '../domain/withdrawal-results.ts';

/**
 * Applies the wallet manager's reports one at a time, in the order they were sent (SENDING before
 * SENT). Only reports signed with the wallet manager's own key are believed: whoever else reaches
 * the queue can neither settle a withdrawal as sent nor have it refunded. A forged or malformed
 * report, one about a withdrawal we do not have or with another address or amount, and one that
 * contradicts a settled withdrawal (logged as an error, for an operator) are dropped and counted.
 */
export async function consumeWithdrawalResults(deps: TransactionsDeps, logger: Pick<Logger, 'warn' | 'error'>) {
  await consumeSigned(
    deps.broker,
    {
      queue: deps.config.RABBITMQ_RESULTS_QUEUE,
      kind: 'withdrawal-result',
      senders: ['wallet-manager'],
      peers: deps.config.SERVICE_PUBLIC_KEYS,
      schema: withdrawalResult,
      dropped: deps.droppedMessages,
      logger,
      prefetch: 1,
    },
    (result) => recordWithdrawalResult(deps, result),
  );
}
