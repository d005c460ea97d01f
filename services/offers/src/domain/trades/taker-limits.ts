import { AppError } from '@pupero/shared/errors';
import { formatXmr } from '@pupero/shared/money';
import type { PoolConnection } from 'mariadb';
import type { Config } from '../../config.ts';

/** What the limits look at when a taker opens a trade. */
export interface TradeRequest {
  takerId: number;
  offerId: number;
  amount: bigint;
  /** The taker's completed trades (as buyer or seller). */
  completedTrades: number;
  now: Date;
}

type Limits = Pick<
  Config,
  | 'TRADE_MAX_UNPAID_PER_TAKER'
  | 'TRADE_MAX_UNPAID_PER_OFFER'
  | 'TRADE_NEW_TAKER_COMPLETED_TRADES'
  | 'TRADE_NEW_TAKER_MAX_XMR'
  | 'TRADE_COOL_OFF_AFTER_UNPAID'
  | 'TRADE_COOL_OFF_HOURS'
  | 'TRADE_CANCEL_GRACE_MINUTES'
  | 'TRADE_OPENS_PER_HOUR'
>;

const HOUR = 3_600_000;
const waitFor = (until: number, now: Date) => ({ retryAfterSeconds: Math.max(1, Math.ceil((until - now.getTime()) / 1000)) });
const trades = (n: number) => `${n} trade${n === 1 ? '' : 's'}`;

/**
 * Refuses a trade that would let the taker tie up other people's coins for free. Run on the
 * connection that holds the taker's lock, just before the INSERT, so two opens at once by one
 * taker cannot both pass: every count comes from the trades table, the same for every replica.
 */
export async function refuseOverTakerLimits(conn: PoolConnection, limits: Limits, request: TradeRequest): Promise<void> {
  await refuseDuringCoolOff(conn, limits, request);
  await refuseOverOpenRate(conn, limits, request);
  await refuseOverUnpaidCaps(conn, limits, request);
  await refuseOverNewTakerCeiling(conn, limits, request);
}

/**
 * A buyer who let TRADE_COOL_OFF_AFTER_UNPAID trades go unpaid within TRADE_COOL_OFF_HOURS of each
 * other (they expired, or the buyer cancelled after the grace minutes: waiting out the window and
 * cancelling at its end costs the seller the same) opens nothing until TRADE_COOL_OFF_HOURS after
 * the last of them.
 */
async function refuseDuringCoolOff(conn: PoolConnection, limits: Limits, { takerId, now }: TradeRequest) {
  const [count, span] = [limits.TRADE_COOL_OFF_AFTER_UNPAID, limits.TRADE_COOL_OFF_HOURS * HOUR];
  const rows = (await conn.query(
    `SELECT cancelled_at AS at FROM trades
      WHERE taker_id = ? AND buyer_id = ? AND state = 'CANCELLED' AND cancelled_at > ?
        AND (cancel_reason = 'PAYMENT_WINDOW_EXPIRED'
             OR (cancel_reason = 'BUYER_CANCELLED' AND cancelled_at > created_at + INTERVAL ? MINUTE))
      ORDER BY cancelled_at DESC LIMIT 1000`,
    [takerId, takerId, new Date(now.getTime() - 2 * span), limits.TRADE_CANCEL_GRACE_MINUTES],
  )) as { at: Date }[];
  const times = rows.map((row) => row.at.getTime());
  // Newest first: the first run of `count` within one span that ends inside the last span.
  for (let i = 0; i + count - 1 < times.length && times[i]! > now.getTime() - span; i += 1) {
    if (times[i + count - 1]! < times[i]! - span) continue;
    const until = times[i]! + span;
    throw new AppError(
      'TOO_MANY_REQUESTS',
      `${trades(count)} you opened went unpaid within ${limits.TRADE_COOL_OFF_HOURS} hours: you can open a new trade ${limits.TRADE_COOL_OFF_HOURS} hours after the last of them, at ${new Date(until).toISOString()}.`,
      waitFor(until, now),
    );
  }
}

/** At most TRADE_OPENS_PER_HOUR trades opened in any hour; the answer says when the oldest of them leaves the hour. */
async function refuseOverOpenRate(conn: PoolConnection, limits: Limits, { takerId, now }: TradeRequest) {
  const max = limits.TRADE_OPENS_PER_HOUR;
  const rows = (await conn.query(
    'SELECT created_at AS createdAt FROM trades WHERE taker_id = ? AND created_at > ? ORDER BY created_at DESC LIMIT ?',
    [takerId, new Date(now.getTime() - HOUR), max],
  )) as { createdAt: Date }[];
  if (rows.length < max) return;
  const until = rows[max - 1]!.createdAt.getTime() + HOUR;
  throw new AppError('TOO_MANY_REQUESTS', `You can open at most ${trades(max)} an hour; try again later.`, waitFor(until, now));
}

/** Trades awaiting payment: at most TRADE_MAX_UNPAID_PER_OFFER on one offer, TRADE_MAX_UNPAID_PER_TAKER in all. */
async function refuseOverUnpaidCaps(conn: PoolConnection, limits: Limits, { takerId, offerId }: TradeRequest) {
  const [row] = (await conn.query(
    "SELECT COUNT(*) AS total, COALESCE(SUM(offer_id = ?), 0) AS onOffer FROM trades WHERE taker_id = ? AND state = 'AWAITING_PAYMENT'",
    [offerId, takerId],
  )) as { total: bigint; onOffer: bigint | string }[];
  const [total, onOffer] = [Number(row?.total ?? 0), Number(row?.onOffer ?? 0)];
  if (onOffer >= limits.TRADE_MAX_UNPAID_PER_OFFER) {
    throw new AppError(
      'CONFLICT',
      `You already have ${trades(onOffer)} awaiting payment on this offer, the most one person may have on one offer: pay or cancel before opening another.`,
    );
  }
  if (total >= limits.TRADE_MAX_UNPAID_PER_TAKER) {
    throw new AppError(
      'CONFLICT',
      `You already have ${trades(total)} awaiting payment, the most one person may have open: pay or cancel one before opening another.`,
    );
  }
}

/** Until it has completed TRADE_NEW_TAKER_COMPLETED_TRADES, a taker's open trades hold at most TRADE_NEW_TAKER_MAX_XMR in all. */
async function refuseOverNewTakerCeiling(conn: PoolConnection, limits: Limits, { takerId, amount, completedTrades }: TradeRequest) {
  if (completedTrades >= limits.TRADE_NEW_TAKER_COMPLETED_TRADES) return;
  const [row] = (await conn.query(
    "SELECT CAST(COALESCE(SUM(amount), 0) AS CHAR) AS open FROM trades WHERE taker_id = ? AND state IN ('AWAITING_PAYMENT', 'PAYMENT_SENT', 'DISPUTED')",
    [takerId],
  )) as { open: string }[];
  const open = BigInt(row?.open ?? '0');
  const ceiling = limits.TRADE_NEW_TAKER_MAX_XMR;
  if (open + amount <= ceiling) return;
  const room = ceiling > open ? `this trade may be for at most ${formatXmr(ceiling - open)} XMR` : 'finish one of them first';
  throw new AppError(
    'UNPROCESSABLE',
    `Until you have completed ${trades(limits.TRADE_NEW_TAKER_COMPLETED_TRADES)}, your open trades may hold at most ${formatXmr(ceiling)} XMR in all; you have ${formatXmr(open)} XMR in open trades, so ${room}.`,
  );
}
