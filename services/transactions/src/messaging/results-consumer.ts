import { withdrawalResult } from '@pupero/shared/contracts';
import { AppError } from '@pupero/shared/errors';
import type { TransactionsDeps } from '../deps.ts';
import { recordWithdrawalResult } from '../domain/withdrawals.ts';

/** Applies the wallet manager's reports; a malformed message is logged and dropped, never retried forever. */
export async function consumeWithdrawalResults(
  deps: TransactionsDeps,
  logger: { warn: (o: object, m: string) => void; error: (o: object, m: string) => void },
) {
  // One at a time, in the order the wallet manager reported them (SENDING before SENT).
  const inOrder = { prefetch: 1 };
  await deps.broker.consumeJson(deps.config.RABBITMQ_RESULTS_QUEUE, async (body) => {
    const parsed = withdrawalResult.safeParse(body);
    if (!parsed.success) {
      logger.warn({ issues: parsed.error.issues }, 'dropping a malformed withdrawal result');
      return;
    }
    try {
      await recordWithdrawalResult(deps, parsed.data);
    } catch (error) {
      // A report about a withdrawal we do not have cannot succeed later either.
      if (error instanceof AppError && error.statusCode < 500)
        logger.warn({ err: error, result: parsed.data }, 'dropping a withdrawal result');
      else throw error;
    }
  });
}
