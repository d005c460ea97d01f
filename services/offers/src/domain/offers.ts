import { type createOfferBody, offerRuleIssues, tradeFiatOverflow, type updateOfferBody } from '@pupero/shared/contracts';
import { inTransaction } from '@pupero/shared/db';
import { AppError } from '@pupero/shared/errors';
import { formatFiat, withMargin } from '@pupero/shared/fiat';
import type { Pool, PoolConnection } from 'mariadb';
import type { z } from 'zod';
import type { OffersDeps } from '../deps.ts';
import { fiatOf, marginOf, methodsOf, OFFER_COLUMNS, type OfferRow, offerViews } from './offer-view.ts';
import { scaledText } from './price-keys.ts';
import { marketPriceOrNull } from './prices.ts';

type NewOffer = z.output<typeof createOfferBody>;
type OfferPatch = z.output<typeof updateOfferBody>;
type OfferFields = Omit<NewOffer, 'otherMethod' | 'fixedPrice' | 'marginPercent' | 'terms' | 'paymentDetails'> & {
  paymentDetails: string | null;
  otherMethod: string | null;
  fixedPrice: bigint | null;
  marginPercent: bigint | null;
  terms: string | null;
};

export async function findOfferRow(db: Pool | PoolConnection, id: number): Promise<OfferRow | undefined> {
  const [row] = (await db.query(
    `SELECT ${OFFER_COLUMNS}, ${methodsOf('o')} FROM offers o JOIN users u ON u.id = o.owner_id WHERE o.id = ?`,
    [id],
  )) as OfferRow[];
  return row;
}

/** Any offer by id, whatever its status: a trade links to its offer for good. */
export async function getOffer(deps: OffersDeps, id: number) {
  const row = await findOfferRow(deps.pool, id);
  if (!row) throw new AppError('NOT_FOUND', 'No such offer');
  return (await offerViews(deps, [row]))[0]!;
}

export async function createOffer(deps: OffersDeps, ownerId: number, input: NewOffer) {
  const fields: OfferFields = {
    ...input,
    otherMethod: input.otherMethod ?? null,
    fixedPrice: input.fixedPrice ?? null,
    marginPercent: input.marginPercent ?? null,
    terms: input.terms ?? null,
    paymentDetails: input.paymentDetails ?? null,
  };
  refuseUnrecordableTrades(fields, await marketFor(deps, fields));
  const id = await inTransaction(deps.pool, async (conn) => {
    const inserted = await conn.query(
      `INSERT INTO offers (owner_id, side, fiat_currency, price_type, fixed_price, margin_percent, min_amount, max_amount,
         payment_window_minutes, terms, other_method, min_taker_completed_trades, payment_details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [ownerId, ...columnValues(fields)],
    );
    await replaceMethods(conn, Number(inserted.insertId), fields.paymentMethods);
    return Number(inserted.insertId);
  });
  return ownersOffer(deps, id);
}

/** The owner changes any fields; the rules between fields hold for the result. Someone else's offer is a 404. */
export async function updateOffer(deps: OffersDeps, ownerId: number, id: number, patch: OfferPatch) {
  // The market price is asked before the offer's row is locked: a slow feed must not hold the lock.
  const before = await findOfferRow(deps.pool, id);
  const market = before
    ? await marketFor(deps, { priceType: patch.priceType ?? before.priceType, fiatCurrency: patch.fiatCurrency ?? before.fiatCurrency })
    : null;
  await inTransaction(deps.pool, async (conn) => {
    const current = await ownOffer(conn, ownerId, id);
    if (current.status === 'CLOSED') throw new AppError('CONFLICT', 'This offer is closed; create a new one');
    const merged = mergePatch(current, patch);
    const issues = offerRuleIssues(merged);
    if (issues.length > 0) {
      throw new AppError(
        'VALIDATION_FAILED',
        'The request is invalid',
        issues.map((i) => ({ path: `body.${i.path}`, message: i.message })),
      );
    }
    refuseUnrecordableTrades(merged, market);
    await conn.query(
      `UPDATE offers SET side = ?, fiat_currency = ?, price_type = ?, fixed_price = ?, margin_percent = ?, min_amount = ?, max_amount = ?,
         payment_window_minutes = ?, terms = ?, other_method = ?, min_taker_completed_trades = ?, payment_details = ?, status = ?,
         updated_at = NOW(3) WHERE id = ?`,
      [...columnValues(merged), patch.status ?? current.status, id],
    );
    if (patch.paymentMethods) await replaceMethods(conn, id, patch.paymentMethods);
  });
  return ownersOffer(deps, id);
}

/** DELETE: the offer stays (trades refer to it) but takes no new trades. Closing twice is the same. */
export async function closeOffer(deps: OffersDeps, ownerId: number, id: number) {
  await deps.pool.query("UPDATE offers SET status = 'CLOSED', updated_at = NOW(3) WHERE id = ? AND owner_id = ? AND status <> 'CLOSED'", [
    id,
    ownerId,
  ]);
  const row = await findOfferRow(deps.pool, id);
  if (!row || row.ownerId !== ownerId) throw new AppError('NOT_FOUND', 'No such offer');
  return (await withPaymentDetails(deps, await offerViews(deps, [row])))[0]!;
}

/** The offer as its owner sees it: with the payment details it gives its buyers. */
async function ownersOffer(deps: OffersDeps, id: number) {
  return (await withPaymentDetails(deps, [await getOffer(deps, id)]))[0]!;
}

/** Adds each offer's payment details to the owner's own views (the book never selects them). */
export async function withPaymentDetails<View extends { id: number }>(deps: OffersDeps, views: View[]) {
  if (views.length === 0) return [];
  const rows = (await deps.pool.query('SELECT id, payment_details AS details FROM offers WHERE id IN (?)', [views.map((v) => v.id)])) as {
    id: number;
    details: string | null;
  }[];
  const details = new Map(rows.map((r) => [r.id, r.details]));
  return views.map((view) => ({ ...view, paymentDetails: details.get(view.id) ?? null }));
}

async function ownOffer(conn: PoolConnection, ownerId: number, id: number): Promise<OfferFields & { status: OfferRow['status'] }> {
  // Lock the offer row alone (not the owner's users row) for the read-merge-write.
  const [locked] = (await conn.query('SELECT id, payment_details AS paymentDetails FROM offers WHERE id = ? AND owner_id = ? FOR UPDATE', [
    id,
    ownerId,
  ])) as { paymentDetails: string | null }[];
  const row = locked ? await findOfferRow(conn, id) : undefined;
  if (!row) throw new AppError('NOT_FOUND', 'No such offer');
  return {
    side: row.side,
    fiatCurrency: row.fiatCurrency as OfferFields['fiatCurrency'],
    paymentMethods: (row.methods ?? '').split(',').filter(Boolean) as OfferFields['paymentMethods'],
    otherMethod: row.otherMethod,
    priceType: row.priceType,
    fixedPrice: row.fixedPrice === null ? null : fiatOf(row.fixedPrice),
    marginPercent: row.marginPercent === null ? null : marginOf(row.marginPercent),
    minAmount: row.minAmount,
    maxAmount: row.maxAmount,
    paymentWindowMinutes: row.paymentWindowMinutes,
    terms: row.terms,
    paymentDetails: locked!.paymentDetails,
    minTakerCompletedTrades: row.minTakerCompletedTrades,
    status: row.status,
  };
}

type Market = { fiatCurrency: string; price: bigint | null };

/** Today's market price of the offer's currency, when the offer is a market offer. */
async function marketFor(deps: OffersDeps, offer: { priceType: string; fiatCurrency: string }): Promise<Market | null> {
  if (offer.priceType !== 'MARKET') return null;
  return { fiatCurrency: offer.fiatCurrency, price: await marketPriceOrNull(deps.prices, offer.fiatCurrency) };
}

/**
 * Every trade on the offer must fit the trades table: its price, and the price × maximum amount,
 * within DECIMAL(20,8). A market offer is checked at today's price when one is known (and again by
 * openTrade at the price it locks).
 */
function refuseUnrecordableTrades(offer: OfferFields, market: Market | null): void {
  const margin = offer.marginPercent;
  const known = market?.fiatCurrency === offer.fiatCurrency ? market.price : null;
  const price = offer.priceType === 'FIXED' ? offer.fixedPrice : known === null || margin === null ? null : withMargin(known, margin);
  const overflow = price === null ? undefined : tradeFiatOverflow(price, offer.maxAmount, offer.fiatCurrency);
  if (overflow) throw new AppError('BAD_REQUEST', overflow);
}

/**
 * The patch over the offer. Switching the price type drops the other type's price, and dropping
 * OTHER drops its description, unless the patch sets them (then the rules refuse the mix).
 */
function mergePatch(current: OfferFields, patch: OfferPatch): OfferFields {
  const given = Object.fromEntries(Object.entries(patch).filter(([key, v]) => v !== undefined && key !== 'status'));
  const merged: OfferFields = { ...current, ...given };
  if (patch.priceType === 'MARKET' && patch.fixedPrice === undefined) merged.fixedPrice = null;
  if (patch.priceType === 'FIXED' && patch.marginPercent === undefined) merged.marginPercent = null;
  if (!merged.paymentMethods.includes('OTHER') && patch.otherMethod === undefined) merged.otherMethod = null;
  if (merged.side === 'BUY' && patch.paymentDetails === undefined) merged.paymentDetails = null;
  return merged;
}

/** In the column order of the INSERT and the UPDATE; DECIMALs as exact text. */
function columnValues(o: OfferFields): unknown[] {
  return [
    o.side,
    o.fiatCurrency,
    o.priceType,
    o.fixedPrice === null ? null : formatFiat(o.fixedPrice),
    o.marginPercent === null ? null : scaledText(o.marginPercent, 4),
    o.minAmount,
    o.maxAmount,
    o.paymentWindowMinutes,
    o.terms,
    o.otherMethod,
    o.minTakerCompletedTrades,
    o.paymentDetails,
  ];
}

async function replaceMethods(conn: PoolConnection, offerId: number, methods: readonly string[]) {
  await conn.query('DELETE FROM offer_payment_methods WHERE offer_id = ?', [offerId]);
  await conn.query(
    `INSERT INTO offer_payment_methods (offer_id, method) VALUES ${methods.map(() => '(?, ?)').join(', ')}`,
    methods.flatMap((m) => [offerId, m]),
  );
}
