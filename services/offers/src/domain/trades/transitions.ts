import { queryRetrying } from '@pupero/shared/db';
import { AppError } from '@pupero/shared/errors';
import type { AccessIdentity } from '@pupero/shared/jwt';
import { clock, type OffersDeps } from '../../deps.ts';
import { settleEscrow } from './escrow.ts';
import { findTrade, type TradeRow, visibleTrade } from './records.ts';

/**
 * Every state change is one guarded UPDATE (… WHERE state = expected): two clicks, two replicas or a
 * retry cannot both make it. The loser reads the trade: already in the wanted state is success (the
 * same answer again); anything else is a 409 naming the state.
 */
async function transition(
  deps: OffersDeps,
  trade: TradeRow,
  set: string,
  values: unknown[],
  from: TradeRow['state'],
  to: TradeRow['state'],
  extraWhere = '',
  extraValues: unknown[] = [],
) {
  const result = await queryRetrying(
    deps.pool,
    `UPDATE trades SET ${set}, updated_at = NOW(3), state = ? WHERE id = ? AND state = ?${extraWhere}`,
    [...values, to, trade.id, from, ...extraValues],
  );
  const after = (await findTrade(deps.pool, trade.id))!;
  if (result.affectedRows !== 1 && after.state !== to)
    throw new AppError('CONFLICT', `The trade is ${after.state.toLowerCase().replaceAll('_', ' ')}`);
  await settleEscrow(deps, after);
  return (await findTrade(deps.pool, trade.id))!;
}

function mustBe(trade: TradeRow, identity: AccessIdentity, role: 'buyer' | 'seller' | 'party') {
  const isBuyer = trade.buyerId === identity.userId;
  const isSeller = trade.sellerId === identity.userId;
  const ok = role === 'buyer' ? isBuyer : role === 'seller' ? isSeller : isBuyer || isSeller;
  if (!ok) throw new AppError('FORBIDDEN', `Only the ${role === 'party' ? 'buyer or the seller' : role} can do this`);
}

/** The buyer has paid off-platform ("money sent"), within the payment window. */
export async function markPaid(deps: OffersDeps, id: number, identity: AccessIdentity) {
  const trade = await visibleTrade(deps, id, identity);
  mustBe(trade, identity, 'buyer');
  const now = clock(deps);
  if (trade.state === 'AWAITING_PAYMENT') mayPayNow(trade, now);
  return transition(
    deps,
    trade,
    'paid_at = ?',
    [now],
    'AWAITING_PAYMENT',
    'PAYMENT_SENT',
    " AND payment_deadline > ? AND escrow = 'HELD'",
    [now],
  );
}

/** Why the buyer cannot say "money sent" yet on a trade awaiting payment: each refusal has its own `details.reason`. */
function mayPayNow(trade: TradeRow, now: Date) {
  if (trade.paymentDeadline <= now) throw new AppError('CONFLICT', 'The payment window has closed');
  if (trade.paymentDetails === null)
    throw new AppError('CONFLICT', 'The seller has not given payment details yet: wait for them before paying', {
      reason: 'payment-details-missing',
    });
  // Only once the seller's XMR is held in escrow (recorded as HELD) can the buyer pay.
  if (trade.escrow !== 'HELD')
    throw new AppError('CONFLICT', "The seller's XMR is not held in escrow yet: try again in a moment", { reason: 'escrow-not-held' });
}

/** The seller received the money: the escrow goes to the buyer. TOTP when the seller has 2FA on. */
export async function release(deps: OffersDeps, id: number, identity: AccessIdentity, totp: string | undefined, ip: string) {
  const trade = await visibleTrade(deps, id, identity);
  mustBe(trade, identity, 'seller');
  if (trade.state === 'COMPLETED') return trade;
  if (trade.state !== 'PAYMENT_SENT') throw new AppError('CONFLICT', `The trade is ${trade.state.toLowerCase().replaceAll('_', ' ')}`);
  await deps.login('POST', '/internal/2fa/verify', { userId: identity.userId, totp, ip });
  return transition(deps, trade, 'completed_at = ?', [clock(deps)], 'PAYMENT_SENT', 'COMPLETED');
}

/** The buyer may cancel before paying; the seller only once the payment window ran out unpaid. */
export async function cancel(deps: OffersDeps, id: number, identity: AccessIdentity) {
  const trade = await visibleTrade(deps, id, identity);
  mustBe(trade, identity, 'party');
  const now = clock(deps);
  if (trade.buyerId === identity.userId) {
    return transition(deps, trade, "cancelled_at = ?, cancel_reason = 'BUYER_CANCELLED'", [now], 'AWAITING_PAYMENT', 'CANCELLED');
  }
  if (trade.state === 'AWAITING_PAYMENT' && trade.paymentDeadline > now) throw new AppError('CONFLICT', 'The buyer still has time to pay');
  return transition(
    deps,
    trade,
    "cancelled_at = ?, cancel_reason = 'PAYMENT_WINDOW_EXPIRED'",
    [now],
    'AWAITING_PAYMENT',
    'CANCELLED',
    ' AND payment_deadline <= ?',
    [now],
  );
}

/** Either party, once the buyer said the money was sent. */
export async function openDispute(deps: OffersDeps, id: number, identity: AccessIdentity, reason: string) {
  const trade = await visibleTrade(deps, id, identity);
  mustBe(trade, identity, 'party');
  return transition(
    deps,
    trade,
    'disputed_at = ?, disputed_by = ?, dispute_reason = ?',
    [clock(deps), identity.userId, reason],
    'PAYMENT_SENT',
    'DISPUTED',
  );
}

/** A moderator decides a dispute: to the buyer (the hold is posted) or to the seller (voided). */
export async function resolveDispute(
  deps: OffersDeps,
  id: number,
  identity: AccessIdentity,
  winner: 'BUYER' | 'SELLER',
  note: string,
  ip: string,
) {
  const trade = await findTrade(deps.pool, id);
  if (!trade) throw new AppError('NOT_FOUND', 'No such trade');
  if (trade.buyerId === identity.userId || trade.sellerId === identity.userId)
    throw new AppError('FORBIDDEN', 'A party cannot decide its own dispute');
  const resolved = await transition(
    deps,
    trade,
    'resolution = ?, resolution_note = ?, resolved_by = ?, resolved_at = ?',
    [winner, note, identity.userId, clock(deps)],
    'DISPUTED',
    'RESOLVED',
  );
  // Already resolved the other way (by someone else, or a moment ago): a dispute is decided once.
  if (resolved.resolution !== winner)
    throw new AppError('CONFLICT', `This dispute was already resolved for the ${resolved.resolution?.toLowerCase()}`);
  await deps.pool.query("INSERT INTO audit_log (action, actor_id, ip, details) VALUES ('DISPUTE_RESOLVED', ?, ?, ?)", [
    identity.userId,
    ip,
    JSON.stringify({ tradeId: id, winner, note }),
  ]);
  return resolved;
}

/** The seller gives or corrects how to be paid, until the buyer says the money is sent. */
export async function givePaymentDetails(deps: OffersDeps, id: number, identity: AccessIdentity, details: string) {
  const trade = await visibleTrade(deps, id, identity);
  mustBe(trade, identity, 'seller');
  const result = await queryRetrying(
    deps.pool,
    "UPDATE trades SET payment_details = ?, updated_at = NOW(3) WHERE id = ? AND state = 'AWAITING_PAYMENT'",
    [details, id],
  );
  if (result.affectedRows !== 1) throw new AppError('CONFLICT', 'Payment details can change only until the buyer says the money is sent');
  return (await findTrade(deps.pool, id))!;
}
