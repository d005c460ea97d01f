import { withdrawalResult } from '@pupero/shared/contracts';
import { AppError } from '@pupero/shared/errors';
import type { Logger } from 'pino';
import type { TransactionsDeps } from '../deps.ts';
import { recordWithdrawalResult } from '../domain/withdrawals.ts';

/**
 * Applies the wallet manager's reports one at a time, in the order they were sent (SENDING before
 * SENT). A malformed report, or one about a withdrawal we do not have, is dropped with a warning;
 * one that contradicts a settled withdrawal is refused and logged as an error for an operator.
 */
export async function consumeWithdrawalResults(deps: TransactionsDeps, logger: Pick<Logger, 'warn' | 'error'>) {
  await deps.broker.consumeJson(
    deps.config.RABBITMQ_RESULTS_QUEUE,
    async (body) => {
      const parsed = withdrawalResult.safeParse(body);
      if (!parsed.success) {
        logger.warn({ issues: parsed.error.issues }, 'dropping a malformed withdrawal result');
        return;
      }
      try {
        await recordWithdrawalResult(deps, parsed.data);
      } catch (error) {
        if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
        if (error.code === 'CONFLICT')
          logger.error({ err: error, result: parsed.data }, 'contradictory withdrawal result; needs an operator');
        else logger.warn({ err: error, result: parsed.data }, 'dropping a withdrawal result');
      }
    },
    { prefetch: 1 },
  );
}
