import { tradeFiatOverflow } from '@pupero/shared/contracts';
import { queryRetrying } from '@pupero/shared/db';
import { AppError } from '@pupero/shared/errors';
import { fiatFor, formatFiat } from '@pupero/shared/fiat';
import { formatXmr } from '@pupero/shared/money';
import { clock, type OffersDeps } from '../../deps.ts';
import { withNamedLock } from '../named-lock.ts';
import { effectivePrice, type OfferRow } from '../offer-view.ts';
import { findOfferRow } from '../offers.ts';
import { completedTradeCount } from '../reputation.ts';
import { findTrade, type TradeRow } from './records.ts';
import { refuseOverTakerLimits } from './taker-limits.ts';

/** The price the trade locks: the offer's fixed price, or the market price now with the offer's margin. */
async function lockedPrice(deps: OffersDeps, offer: OfferRow): Promise<bigint> {
  const market = offer.priceType === 'MARKET' ? await deps.prices.priceOf(offer.fiatCurrency) : undefined;
  return effectivePrice(offer, market)!;
}

async function activeOffer(deps: OffersDeps, offerId: number): Promise<OfferRow> {
  const offer = await findOfferRow(deps.pool, offerId);
  if (!offer) throw new AppError('NOT_FOUND', 'No such offer');
  if (offer.status !== 'ACTIVE') throw new AppError('CONFLICT', 'This offer is not active');
  return offer;
}

/**
 * How the buyer pays the seller: a SELL offer's own details (its owner sells), or what the taker of
 * a BUY offer (the seller) gives with the trade. A buyer has none to give.
 */
async function sellersPaymentDetails(deps: OffersDeps, offer: OfferRow, given: string | undefined): Promise<string | null> {
  if (offer.side === 'BUY') return given ?? null;
  if (given !== undefined) {
    throw new AppError('UNPROCESSABLE', "You are the buyer here: the seller's payment details come with the offer");
  }
  const [row] = (await deps.pool.query('SELECT payment_details AS details FROM offers WHERE id = ?', [offer.id])) as {
    details: string | null;
  }[];
  return row?.details ?? null;
}

/**
 * A taker opens a trade on an offer. The XMR seller's amount is held in escrow at once; if the
 * seller cannot cover it, there is no trade. The taker's limits are checked and the trade inserted
 * under the taker's own lock, so that concurrent opens by one taker cannot get past them together.
 */
export async function openTrade(
  deps: OffersDeps,
  takerId: number,
  offerId: number,
  input: { amount: bigint; paymentMethod: string; paymentDetails?: string | undefined },
): Promise<TradeRow> {
  const offer = await activeOffer(deps, offerId);
  if (offer.ownerId === takerId) throw new AppError('UNPROCESSABLE', 'You cannot trade with your own offer');
  if (input.amount < offer.minAmount || input.amount > offer.maxAmount) {
    throw new AppError(
      'UNPROCESSABLE',
      `amount must be between ${formatXmr(offer.minAmount)} and ${formatXmr(offer.maxAmount)} XMR for this offer`,
    );
  }
  if (!(offer.methods ?? '').split(',').includes(input.paymentMethod))
    throw new AppError('UNPROCESSABLE', 'This offer does not accept that payment method');
  const price = await lockedPrice(deps, offer);
  const overflow = tradeFiatOverflow(price, input.amount, offer.fiatCurrency);
  if (overflow) throw new AppError('BAD_REQUEST', overflow);
  const completedTrades = await completedTradeCount(deps, takerId);
  if (completedTrades < offer.minTakerCompletedTrades) {
    throw new AppError(
      'UNPROCESSABLE',
      `The owner of this offer trades only with people who have completed at least ${offer.minTakerCompletedTrades} trades; you have completed ${completedTrades}.`,
    );
  }
  const [buyerId, sellerId] = offer.side === 'SELL' ? [takerId, offer.ownerId] : [offer.ownerId, takerId];
  const paymentDetails = await sellersPaymentDetails(deps, offer, input.paymentDetails);
  const tradeId = await withNamedLock(deps.pool, `taker.${takerId}`, 5, async (conn) => {
    const now = clock(deps);
    await refuseOverTakerLimits(conn, deps.config, { takerId, offerId: offer.id, amount: input.amount, completedTrades, now });
    const inserted = await conn.query(
      `INSERT INTO trades (offer_id, buyer_id, seller_id, taker_id, amount, price, fiat_amount, fiat_currency, payment_method, payment_details,
         payment_deadline, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        offer.id,
        buyerId,
        sellerId,
        takerId,
        input.amount,
        formatFiat(price),
        formatFiat(fiatFor(input.amount, price)),
        offer.fiatCurrency,
        input.paymentMethod,
        paymentDetails,
        new Date(now.getTime() + offer.paymentWindowMinutes * 60_000),
        now,
      ],
    );
    return Number(inserted.insertId);
  });
  await holdEscrow(deps, tradeId, { sellerId, buyerId }, input.amount);
  return (await findTrade(deps.pool, tradeId))!;
}

async function holdEscrow(
  deps: OffersDeps,
  tradeId: number,
  parties: { sellerId: number; buyerId: number },
  amount: bigint,
): Promise<void> {
  const { sellerId, buyerId } = parties;
  try {
    const hold = await deps.transactions<{ id: string }>('POST', '/holds', {
      key: `trade:${tradeId}`,
      account: `USER:${sellerId}`,
      counterparty: `USER:${buyerId}`,
      amount: formatXmr(amount),
      reference: `trade:${tradeId}`,
    });
    await queryRetrying(deps.pool, "UPDATE trades SET hold_id = ?, escrow = 'HELD' WHERE id = ? AND escrow = 'NONE'", [
      BigInt(hold.id),
      tradeId,
    ]);
  } catch (error) {
    if (error instanceof AppError && error.code === 'INSUFFICIENT_FUNDS') {
      await deps.pool.query('DELETE FROM trades WHERE id = ?', [tradeId]);
      throw new AppError('INSUFFICIENT_FUNDS', 'The seller does not have enough available XMR for this trade');
    }
    // The ledger may or may not have placed the hold: cancel the trade; a retry of the same key
    // by the settlement job finds (and voids) a hold that did get placed.
    await queryRetrying(
      deps.pool,
      "UPDATE trades SET state = 'CANCELLED', cancel_reason = 'ESCROW_FAILED', cancelled_at = ? WHERE id = ?",
      [clock(deps), tradeId],
    );
    throw error;
  }
}
