import { z } from 'zod';
import { positiveXmrAmount } from '../money.ts';
import { paymentDetails } from './offers.ts';

/** Trade bodies and answers of the offers service (through the gateway). Bodies are strict. */
export const tradeStates = ['AWAITING_PAYMENT', 'PAYMENT_SENT', 'COMPLETED', 'CANCELLED', 'DISPUTED', 'RESOLVED'] as const;

/** `paymentDetails`: the seller's, when the taker is the seller (a BUY offer); a SELL offer's come with the offer. */
export const openTradeBody = z.strictObject({
  amount: positiveXmrAmount,
  paymentMethod: z.string().min(1).max(32),
  paymentDetails: paymentDetails.optional(),
});
/** The seller gives or corrects how to be paid, until the buyer says the money is sent. */
export const paymentDetailsBody = z.strictObject({ paymentDetails });
export const releaseBody = z.strictObject({
  totp: z
    .string()
    .regex(/^\d{6}$/, { message: 'must be a 6-digit code' })
    .optional(),
});
export const disputeBody = z.strictObject({ reason: z.string().trim().min(5).max(1000) });
export const messageBody = z.strictObject({ body: z.string().trim().min(1).max(2000) });
export const feedbackBody = z.strictObject({
  rating: z.enum(['POSITIVE', 'NEUTRAL', 'NEGATIVE']),
  comment: z.string().trim().max(500).optional(),
});
export const resolveBody = z.strictObject({ winner: z.enum(['BUYER', 'SELLER']), note: z.string().trim().min(3).max(1000) });
export const tradeParams = z.strictObject({ id: z.coerce.number().int().positive().max(2_147_483_647) });
export const pageQuery = z.strictObject({
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
/** The caller's trades; `open=true`: only those still under way (awaiting payment, payment sent, disputed). */
export const myTradesQuery = pageQuery.extend({ open: z.enum(['true', 'false']).optional() });

export const tradeView = z.object({
  id: z.number().int(),
  offerId: z.number().int(),
  buyerId: z.number().int(),
  sellerId: z.number().int(),
  /** The parties' names (their profiles carry their reputation); null once an account is deleted. */
  buyerUsername: z.string().nullable(),
  sellerUsername: z.string().nullable(),
  amount: z.string(),
  price: z.string(),
  fiatAmount: z.string(),
  fiatCurrency: z.string(),
  paymentMethod: z.string(),
  /** How to pay the seller: to the trade's two parties, and to moderators once it is disputed; null to others, or when not given yet. */
  paymentDetails: z.string().nullable(),
  state: z.enum(tradeStates),
  /** Who must act next: the buyer pays, the seller gives payment details or releases, a moderator decides; null when over. */
  awaiting: z.enum(['BUYER', 'SELLER', 'MODERATOR']).nullable(),
  paymentDeadline: z.string(),
  paidAt: z.string().nullable(),
  /** When a paid trade the seller has not released becomes a dispute by itself; null unless the money is said to be sent. */
  autoDisputeAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  disputedAt: z.string().nullable(),
  disputeReason: z.string().nullable(),
  resolution: z.string().nullable(),
  /** Whether the caller has rated this trade (false for a moderator). */
  feedbackGiven: z.boolean(),
  createdAt: z.string(),
});
export const tradeListView = z.object({ items: z.array(tradeView), nextCursor: z.number().int().nullable() });
export const messageView = z.object({ id: z.string(), authorId: z.number().int(), body: z.string(), createdAt: z.string() });
/** A page of a trade's chat, oldest first: `after` is the last id of the page before (nextCursor of its answer). */
export const messagePageQuery = z.strictObject({
  after: z
    .string()
    .regex(/^\d{1,19}$/, { message: 'must be a message id' })
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(100),
});
/** nextCursor: the `after` of the next page; null on the last one. */
export const messageListView = z.object({ items: z.array(messageView), nextCursor: z.string().nullable() });
export const feedbackView = z.object({
  id: z.number().int(),
  tradeId: z.number().int(),
  rating: z.string(),
  comment: z.string().nullable(),
  createdAt: z.string(),
});
