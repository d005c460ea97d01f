import { queryRetrying } from '@pupero/shared/db';
import { AppError } from '@pupero/shared/errors';
import { formatXmr } from '@pupero/shared/money';
import type { OffersDeps } from '../../deps.ts';
import type { TradeRow } from './records.ts';

/**
 * The ledger side of a trade, done after its state changed (the state is the decision): a
 * completed trade, or a dispute won by the buyer, posts the hold to the buyer; a cancelled trade,
 * or a dispute won by the seller, voids it. Both calls are idempotent in the ledger, so a retry —
 * by a second click, another replica or the settlement job — never moves money twice.
 */
export function escrowOutcome(trade: Pick<TradeRow, 'state' | 'resolution'>): 'post' | 'void' | undefined {
  if (trade.state === 'COMPLETED' || (trade.state === 'RESOLVED' && trade.resolution === 'BUYER')) return 'post';
  if (trade.state === 'CANCELLED' || (trade.state === 'RESOLVED' && trade.resolution === 'SELLER')) return 'void';
  return undefined;
}

export async function settleEscrow(deps: OffersDeps, trade: TradeRow): Promise<void> {
  const outcome = escrowOutcome(trade);
  if (!outcome || trade.escrow !== 'HELD' || trade.holdId === null) return;
  if (outcome === 'post') {
    await deps.transactions('POST', `/holds/${trade.holdId}/post`);
  } else {
    await deps.transactions('POST', `/holds/${trade.holdId}/void`);
  }
  await queryRetrying(deps.pool, "UPDATE trades SET escrow = ? WHERE id = ? AND escrow = 'HELD'", [
    outcome === 'post' ? 'POSTED' : 'VOIDED',
    trade.id,
  ]);
}

/** The settlement job: finishes every escrow whose trade was decided but whose ledger call did not happen. */
export async function settlePendingEscrows(deps: OffersDeps): Promise<number> {
  const rows = (await deps.pool.query(
    `SELECT id, state, resolution, escrow, hold_id AS holdId, buyer_id AS buyerId FROM trades
      WHERE escrow = 'HELD' AND state IN ('COMPLETED', 'CANCELLED', 'RESOLVED') ORDER BY id LIMIT 100`,
  )) as TradeRow[];
  let settled = 0;
  for (const trade of rows) {
    // One trade the ledger refuses must not hold up all the others behind it.
    try {
      await settleEscrow(deps, trade);
      settled += 1;
    } catch (err) {
      deps.logger.error({ err, tradeId: trade.id }, 'escrow settlement failed; needs an operator if it persists');
    }
  }
  return settled + (await releaseOrphanHolds(deps));
}

/**
 * A cancelled trade whose hold was never recorded (the hold request failed ambiguously — a timeout,
 * the ledger away — or the process died between placing and recording it) may still have a hold. Asking again with the same key answers with that hold if it does (then it is
 * voided); "insufficient funds" can only mean it never existed.
 */
async function releaseOrphanHolds(deps: OffersDeps): Promise<number> {
  const rows = (await deps.pool.query(
    "SELECT id, seller_id AS sellerId, buyer_id AS buyerId, amount FROM trades WHERE escrow = 'NONE' AND state = 'CANCELLED' ORDER BY id LIMIT 20",
  )) as { id: number; sellerId: number; buyerId: number; amount: bigint }[];
  for (const trade of rows) {
    try {
      const hold = await deps.transactions<{ id: string }>('POST', '/holds', {
        key: `trade:${trade.id}`,
        account: `USER:${trade.sellerId}`,
        counterparty: `USER:${trade.buyerId}`,
        amount: formatXmr(trade.amount),
      });
      await deps.transactions('POST', `/holds/${hold.id}/void`);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'INSUFFICIENT_FUNDS')) throw error;
    }
    await queryRetrying(deps.pool, "UPDATE trades SET escrow = 'VOIDED' WHERE id = ? AND escrow = 'NONE'", [trade.id]);
  }
  return rows.length;
}
