import { AppError } from '@pupero/shared/errors';
import { formatFiat } from '@pupero/shared/fiat';
import type { AccessIdentity } from '@pupero/shared/jwt';
import { formatXmr } from '@pupero/shared/money';
import type { PoolConnection } from 'mariadb';
import type { Config } from '../../config.ts';
import type { OffersDeps } from '../../deps.ts';
import { fiatOf } from '../offer-view.ts';

export type TradeState = 'AWAITING_PAYMENT' | 'PAYMENT_SENT' | 'COMPLETED' | 'CANCELLED' | 'DISPUTED' | 'RESOLVED';

export interface TradeRow {
  id: number;
  offerId: number;
  buyerId: number;
  sellerId: number;
  /** Null once the account is deleted. */
  buyerUsername: string | null;
  sellerUsername: string | null;
  amount: bigint;
  price: string;
  fiatAmount: string;
  fiatCurrency: string;
  paymentMethod: string;
  paymentDetails: string | null;
  state: TradeState;
  holdId: bigint | null;
  escrow: 'NONE' | 'HELD' | 'POSTED' | 'VOIDED';
  paymentDeadline: Date;
  paidAt: Date | null;
  completedAt: Date | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  disputedAt: Date | null;
  disputeReason: string | null;
  resolution: string | null;
  createdAt: Date;
  /** Whether each party has rated the trade (0 or 1). */
  buyerRated: number | bigint;
  sellerRated: number | bigint;
}

export const TRADE_COLUMNS = `id, offer_id AS offerId, buyer_id AS buyerId, seller_id AS sellerId,
  (SELECT username FROM users WHERE users.id = buyer_id) AS buyerUsername, (SELECT username FROM users WHERE users.id = seller_id) AS sellerUsername, amount, CAST(price AS CHAR) AS price,
  CAST(fiat_amount AS CHAR) AS fiatAmount, fiat_currency AS fiatCurrency, payment_method AS paymentMethod, payment_details AS paymentDetails, state, hold_id AS holdId, escrow,
  payment_deadline AS paymentDeadline, paid_at AS paidAt, completed_at AS completedAt, cancelled_at AS cancelledAt, cancel_reason AS cancelReason,
  disputed_at AS disputedAt, dispute_reason AS disputeReason, resolution, created_at AS createdAt,
  EXISTS(SELECT 1 FROM feedback WHERE feedback.trade_id = trades.id AND feedback.from_user_id = trades.buyer_id) AS buyerRated,
  EXISTS(SELECT 1 FROM feedback WHERE feedback.trade_id = trades.id AND feedback.from_user_id = trades.seller_id) AS sellerRated`;

export async function findTrade(db: OffersDeps['pool'] | PoolConnection, id: number): Promise<TradeRow | undefined> {
  const [row] = (await db.query(`SELECT ${TRADE_COLUMNS} FROM trades WHERE id = ?`, [id])) as TradeRow[];
  return row;
}

const staff = (identity: AccessIdentity) => identity.role === 'moderator' || identity.role === 'admin';

/**
 * The trade, if the caller may see it: its two parties, and moderators once it is disputed. To
 * anyone else it does not exist (404, not 403: ids reveal nothing).
 */
export async function visibleTrade(deps: OffersDeps, id: number, identity: AccessIdentity): Promise<TradeRow> {
  const trade = await findTrade(deps.pool, id);
  const party = trade && (trade.buyerId === identity.userId || trade.sellerId === identity.userId);
  const moderating = trade && staff(identity) && (trade.state === 'DISPUTED' || trade.state === 'RESOLVED');
  if (!trade || !(party || moderating)) throw new AppError('NOT_FOUND', 'No such trade');
  return trade;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const fiat = (decimal: string) => formatFiat(fiatOf(decimal));

/** The seller's payment details are for the trade's two parties, and for moderators once it is disputed. */
function mayReadPaymentDetails(t: TradeRow, viewer: AccessIdentity): boolean {
  return t.buyerId === viewer.userId || t.sellerId === viewer.userId || (staff(viewer) && t.disputedAt !== null);
}

/** Whose move it is. A buyer cannot pay before the seller has said where. */
function awaiting(t: TradeRow): 'BUYER' | 'SELLER' | 'MODERATOR' | null {
  if (t.state === 'AWAITING_PAYMENT') return t.paymentDetails === null ? 'SELLER' : 'BUYER';
  if (t.state === 'PAYMENT_SENT') return 'SELLER';
  return t.state === 'DISPUTED' ? 'MODERATOR' : null;
}

/** When a paid trade the seller leaves unanswered becomes a dispute (runTradeJobs); null in any other state. */
function autoDisputeAt(t: TradeRow, config: Pick<Config, 'SELLER_RESPONSE_MINUTES'>): string | null {
  if (t.state !== 'PAYMENT_SENT' || t.paidAt === null) return null;
  return new Date(t.paidAt.getTime() + config.SELLER_RESPONSE_MINUTES * 60_000).toISOString();
}

/** Whether the viewer, a party, has rated the trade (a moderator never rates). */
function feedbackGiven(t: TradeRow, viewer: AccessIdentity): boolean {
  if (t.buyerId === viewer.userId) return Number(t.buyerRated) === 1;
  return t.sellerId === viewer.userId && Number(t.sellerRated) === 1;
}

export function tradeView(t: TradeRow, viewer: AccessIdentity, config: Pick<Config, 'SELLER_RESPONSE_MINUTES'>) {
  return {
    id: t.id,
    offerId: t.offerId,
    buyerId: t.buyerId,
    sellerId: t.sellerId,
    buyerUsername: t.buyerUsername,
    sellerUsername: t.sellerUsername,
    amount: formatXmr(t.amount),
    price: fiat(t.price),
    fiatAmount: fiat(t.fiatAmount),
    fiatCurrency: t.fiatCurrency,
    paymentMethod: t.paymentMethod,
    paymentDetails: mayReadPaymentDetails(t, viewer) ? t.paymentDetails : null,
    state: t.state,
    awaiting: awaiting(t),
    paymentDeadline: t.paymentDeadline.toISOString(),
    paidAt: iso(t.paidAt),
    autoDisputeAt: autoDisputeAt(t, config),
    completedAt: iso(t.completedAt),
    cancelledAt: iso(t.cancelledAt),
    cancelReason: t.cancelReason,
    disputedAt: iso(t.disputedAt),
    disputeReason: t.disputeReason,
    resolution: t.resolution,
    feedbackGiven: feedbackGiven(t, viewer),
    createdAt: t.createdAt.toISOString(),
  };
}
