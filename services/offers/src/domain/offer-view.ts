import { formatFiat, tryParseFiat, tryParseMargin, withMargin } from '@pupero/shared/fiat';
import { formatXmr } from '@pupero/shared/money';
import type { OffersDeps } from '../deps.ts';
import { marketPriceOrNull } from './prices.ts';
import { type TradeSummary, tradeSummaries } from './reputation.ts';

export type OfferStatus = 'ACTIVE' | 'PAUSED' | 'CLOSED';

export interface OfferRow {
  id: number;
  ownerId: number;
  ownerUsername: string;
  side: 'BUY' | 'SELL';
  fiatCurrency: string;
  priceType: 'FIXED' | 'MARKET';
  /** DECIMAL columns as exact text. */
  fixedPrice: string | null;
  marginPercent: string | null;
  minAmount: bigint;
  maxAmount: bigint;
  paymentWindowMinutes: number;
  terms: string | null;
  otherMethod: string | null;
  minTakerCompletedTrades: number;
  status: OfferStatus;
  createdAt: Date;
  /** The payment methods, comma-separated. */
  methods: string | null;
  /** The effective price truncated to 8 decimals, and exact (the sort key), when the query computed them (price-sorted lists). */
  price?: string | null;
  sortKeyText?: string;
}

/** Offer columns under alias `o`, with the owner's name from users `u`. */
export const OFFER_COLUMNS = `o.id, o.owner_id AS ownerId, u.username AS ownerUsername, o.side, o.fiat_currency AS fiatCurrency,
  o.price_type AS priceType, CAST(o.fixed_price AS CHAR) AS fixedPrice, CAST(o.margin_percent AS CHAR) AS marginPercent,
  o.min_amount AS minAmount, o.max_amount AS maxAmount, o.payment_window_minutes AS paymentWindowMinutes, o.terms,
  o.other_method AS otherMethod, o.min_taker_completed_trades AS minTakerCompletedTrades, o.status, o.created_at AS createdAt`;
export const methodsOf = (alias: string) =>
  `(SELECT GROUP_CONCAT(m.method ORDER BY m.method) FROM offer_payment_methods m WHERE m.offer_id = ${alias}.id) AS methods`;

export function fiatOf(text: string): bigint {
  const parsed = tryParseFiat(text);
  if (!parsed.ok) throw new Error(`unreadable fiat decimal ${text}`);
  return parsed.scaled;
}

export function marginOf(text: string): bigint {
  const parsed = tryParseMargin(text);
  if (!parsed.ok) throw new Error(`unreadable margin ${text}`);
  return parsed.scaled;
}

/** "2.5000" → "2.5", "-1.0000" → "-1". */
const trimDecimal = (text: string) => text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');

/** The effective price now; null for a market offer while no market price is known. */
export function effectivePrice(row: OfferRow, market: bigint | null | undefined): bigint | null {
  if (row.price !== undefined) return row.price === null ? null : fiatOf(row.price);
  if (row.priceType === 'FIXED') return fiatOf(row.fixedPrice!);
  return market === null || market === undefined ? null : withMargin(market, marginOf(row.marginPercent!));
}

export function offerView(row: OfferRow, owner: TradeSummary | undefined, market: bigint | null | undefined) {
  const price = effectivePrice(row, market);
  return {
    id: row.id,
    ownerId: row.ownerId,
    ownerUsername: row.ownerUsername,
    side: row.side,
    fiatCurrency: row.fiatCurrency,
    paymentMethods: row.methods ? row.methods.split(',') : [],
    otherMethod: row.otherMethod,
    priceType: row.priceType,
    fixedPrice: row.fixedPrice === null ? null : formatFiat(fiatOf(row.fixedPrice)),
    marginPercent: row.marginPercent === null ? null : trimDecimal(row.marginPercent),
    price: price === null ? null : formatFiat(price),
    minAmount: formatXmr(row.minAmount),
    maxAmount: formatXmr(row.maxAmount),
    paymentWindowMinutes: row.paymentWindowMinutes,
    terms: row.terms,
    minTakerCompletedTrades: row.minTakerCompletedTrades,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    owner: {
      username: row.ownerUsername,
      tradesCompleted: owner?.tradesCompleted ?? 0,
      positive: owner?.positive ?? 0,
      neutral: owner?.neutral ?? 0,
      negative: owner?.negative ?? 0,
    },
  };
}

/**
 * Views of a page of offers: the owners' reputations in one batch, and the market price of each
 * currency that a market offer on the page needs (from the price cache), unless given.
 */
export async function offerViews(deps: OffersDeps, rows: readonly OfferRow[], markets = new Map<string, bigint | null>()) {
  const needed = new Set(
    rows.filter((r) => r.priceType === 'MARKET' && r.price === undefined && !markets.has(r.fiatCurrency)).map((r) => r.fiatCurrency),
  );
  const [owners] = await Promise.all([
    tradeSummaries(
      deps,
      rows.map((r) => r.ownerId),
    ),
    Promise.all([...needed].map(async (currency) => markets.set(currency, await marketPriceOrNull(deps.prices, currency)))),
  ]);
  return rows.map((row) => offerView(row, owners.get(row.ownerId), markets.get(row.fiatCurrency)));
}
