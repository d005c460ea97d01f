import { queryRetrying } from '@pupero/shared/db';
import { clock, type OffersDeps } from '../../deps.ts';
import { settlePendingEscrows } from './escrow.ts';

/**
 * The trade timers, safe with any number of replicas: each is a set-based guarded UPDATE, and
 * the escrow calls that follow are idempotent in the ledger.
 */
export async function runTradeJobs(deps: OffersDeps): Promise<{ expired: number; disputed: number; settled: number }> {
  const now = clock(deps);
  const expired = await queryRetrying(
    deps.pool,
    "UPDATE trades SET state = 'CANCELLED', cancel_reason = 'PAYMENT_WINDOW_EXPIRED', cancelled_at = ? WHERE state = 'AWAITING_PAYMENT' AND payment_deadline <= ?",
    [now, now],
  );
  const unanswered = new Date(now.getTime() - deps.config.SELLER_RESPONSE_MINUTES * 60_000);
  const disputed = await queryRetrying(
    deps.pool,
    "UPDATE trades SET state = 'DISPUTED', disputed_at = ?, dispute_reason = 'The seller did not answer in time' WHERE state = 'PAYMENT_SENT' AND paid_at <= ?",
    [now, unanswered],
  );
  const settled = await settlePendingEscrows(deps);
  return { expired: Number(expired.affectedRows), disputed: Number(disputed.affectedRows), settled };
}

export function startTradeJobs(deps: OffersDeps) {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => runTradeJobs(deps)).catch((err) => deps.logger.warn({ err }, 'trade jobs failed'));
  }, deps.config.TRADE_JOBS_INTERVAL_SECONDS * 1000);
  return async () => {
    clearInterval(timer);
    await running;
  };
}
