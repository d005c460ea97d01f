import type { myOffersQuery, offerListQuery } from '@pupero/shared/contracts';
import { formatFiat } from '@pupero/shared/fiat';
import type { z } from 'zod';
import type { OffersDeps } from '../deps.ts';
import { methodsOf, OFFER_COLUMNS, type OfferRow, offerViews } from './offer-view.ts';
import { withPaymentDetails } from './offers.ts';
import {
  atLeast,
  atMost,
  type Cursor,
  decodeCursor,
  encodeCursor,
  fixedColumn,
  type KeyColumn,
  keyOf,
  marginColumn,
  parseKey,
  priceKey,
  scaledText,
} from './price-keys.ts';
import { marketPriceOrNull } from './prices.ts';

type ListQuery = z.output<typeof offerListQuery>;
type MyQuery = z.output<typeof myOffersQuery>;
type Clause = { sql: string[]; params: unknown[] };

const PAST_LAST_ID = 2_147_483_648;
// Offers drive the join: the optimizer otherwise may start from users and sort all of their offers.
const FROM = 'FROM offers o STRAIGHT_JOIN users u ON u.id = o.owner_id';

/**
 * The public offer book: ACTIVE offers, filtered, newest first or by price (the cheapest first for
 * SELL offers, the highest bid first for BUY offers; then by id), a page at a time.
 */
export async function listOffers(deps: OffersDeps, q: ListQuery) {
  const cursor = q.cursor ? decodeCursor(q.cursor, q.sort) : undefined;
  const page = q.sort === 'price' ? await pricePage(deps, q, cursor) : await newestPage(deps, q, cursor);
  const items = page.rows.slice(0, q.limit);
  const last = items[items.length - 1];
  const next = page.rows.length > q.limit && last ? page.cursorAfter(last) : undefined;
  return { items: await offerViews(deps, items, page.markets), nextCursor: next ? encodeCursor(next) : null };
}

/** The caller's own offers of every status, newest first. */
export async function listMyOffers(deps: OffersDeps, ownerId: number, q: MyQuery) {
  const before = q.cursor ? decodeCursor(q.cursor, 'newest').id : PAST_LAST_ID;
  const status = q.status ? 'AND o.status = ?' : '';
  const rows = (await deps.pool.query(
    `SELECT ${OFFER_COLUMNS}, ${methodsOf('o')} ${FROM} WHERE o.owner_id = ? ${status} AND o.id < ? ORDER BY o.id DESC LIMIT ?`,
    [ownerId, ...(q.status ? [q.status] : []), before, q.limit + 1],
  )) as OfferRow[];
  const items = rows.slice(0, q.limit);
  const next = rows.length > q.limit ? encodeCursor({ sort: 'newest', id: items[items.length - 1]!.id }) : null;
  return { items: await withPaymentDetails(deps, await offerViews(deps, items)), nextCursor: next };
}

function bookFilters(q: ListQuery): Clause {
  const clause: Clause = { sql: ["o.status = 'ACTIVE'"], params: [] };
  const add = (sql: string, ...params: unknown[]) => {
    clause.sql.push(sql);
    clause.params.push(...params);
  };
  if (q.fiatCurrency) add('o.fiat_currency = ?', q.fiatCurrency);
  if (q.side) add('o.side = ?', q.side);
  if (q.paymentMethod) add('EXISTS (SELECT 1 FROM offer_payment_methods m WHERE m.offer_id = o.id AND m.method = ?)', q.paymentMethod);
  if (q.amount !== undefined) add('o.min_amount <= ? AND o.max_amount >= ?', q.amount, q.amount);
  return clause;
}

/** `column BETWEEN lo AND hi` for minPrice..maxPrice, as exact DECIMAL constants (a string would compare as a double). */
function priceRange(column: string, c: KeyColumn, q: ListQuery): Clause {
  const lo = q.minPrice === undefined ? c.floor : atLeast(c, priceKey(q.minPrice));
  const hi = q.maxPrice === undefined ? c.ceiling : atMost(c, priceKey(q.maxPrice));
  return { sql: [`${column} BETWEEN ${decimal(c)} AND ${decimal(c)}`], params: [scaledText(lo, c.decimals), scaledText(hi, c.decimals)] };
}

const decimal = (c: KeyColumn) => `CAST(? AS DECIMAL(${c.decimals + 14}, ${c.decimals}))`;

async function newestPage(deps: OffersDeps, q: ListQuery, cursor: Cursor | undefined) {
  const where = bookFilters(q);
  const markets = new Map<string, bigint | null>();
  if (q.minPrice !== undefined || q.maxPrice !== undefined) {
    const market = await deps.prices.priceOf(q.fiatCurrency!);
    markets.set(q.fiatCurrency!, market);
    const fixed = priceRange('o.fixed_price', fixedColumn, q);
    const margin = priceRange('o.margin_percent', marginColumn(market), q);
    where.sql.push(`((o.price_type = 'FIXED' AND ${fixed.sql[0]}) OR (o.price_type = 'MARKET' AND ${margin.sql[0]}))`);
    where.params.push(...fixed.params, ...margin.params);
  }
  const rows = (await deps.pool.query(
    `SELECT ${OFFER_COLUMNS}, ${methodsOf('o')} ${FROM} WHERE ${where.sql.join(' AND ')} AND o.id < ? ORDER BY o.id DESC LIMIT ?`,
    [...where.params, cursor?.id ?? PAST_LAST_ID, q.limit + 1],
  )) as OfferRow[];
  return { rows, markets, cursorAfter: (row: OfferRow): Cursor => ({ sort: 'newest', id: row.id }) };
}

/**
 * Two index-ordered halves — fixed offers by fixed_price, market offers by margin_percent — each
 * cut at limit + 1, merged by their exact price key (see price-keys.ts). The market price of now
 * is a parameter; the effective price is DECIMAL arithmetic in SQL, truncated to 8 decimals.
 */
async function pricePage(deps: OffersDeps, q: ListQuery, cursor: Cursor | undefined) {
  const market = await marketPriceOrNull(deps.prices, q.fiatCurrency!);
  const dir = q.side === 'SELL' ? 'ASC' : 'DESC';
  const half = (type: 'FIXED' | 'MARKET', column: string, c: KeyColumn, key: string, keyParams: unknown[]) => {
    const where = bookFilters(q);
    const range = priceRange(column, c, q);
    where.sql.push(`o.price_type = '${type}'`, ...range.sql);
    where.params.push(...range.params);
    if (cursor?.sort === 'price') {
      // After (key, id) in this order: past the column value of that key, or at it with a later id when the key falls on it exactly.
      const at = dir === 'ASC' ? atLeast(c, cursor.key) : atMost(c, cursor.key);
      const [beyond, strictly, idOp, noTie] = dir === 'ASC' ? ['>=', '>', '>', 0] : ['<=', '<', '<', PAST_LAST_ID];
      where.sql.push(`${column} ${beyond} ${decimal(c)} AND (${column} ${strictly} ${decimal(c)} OR o.id ${idOp} ?)`);
      const text = scaledText(at, c.decimals);
      where.params.push(text, text, keyOf(c, at) === cursor.key ? cursor.id : noTie);
    }
    return {
      sql: `(SELECT ${OFFER_COLUMNS}, CAST(${key} AS DECIMAL(34, 14)) AS sortKey ${FROM}
             WHERE ${where.sql.join(' AND ')} ORDER BY ${column} ${dir}, o.id ${dir} LIMIT ?)`,
      params: [...keyParams, ...where.params, q.limit + 1],
    };
  };
  const halves = [half('FIXED', 'o.fixed_price', fixedColumn, 'o.fixed_price', [])];
  // While no market price is known a MARKET offer has no price to be placed by: the fixed ones are ordered alone.
  if (market !== null) {
    halves.push(
      half('MARKET', 'o.margin_percent', marginColumn(market), 'CAST(? AS DECIMAL(20, 8)) * (1 + o.margin_percent * 0.01)', [
        formatFiat(market),
      ]),
    );
  }
  const rows = (await deps.pool.query(
    `SELECT t.*, CAST(t.sortKey AS CHAR) AS sortKeyText, CAST(TRUNCATE(t.sortKey, 8) AS CHAR) AS price, ${methodsOf('t')}
       FROM (${halves.map((h) => h.sql).join(' UNION ALL ')}) t ORDER BY t.sortKey ${dir}, t.id ${dir} LIMIT ?`,
    [...halves.flatMap((h) => h.params), q.limit + 1],
  )) as OfferRow[];
  const cursorAfter = (row: OfferRow): Cursor => ({ sort: 'price', key: parseKey(row.sortKeyText!)!, id: row.id });
  return { rows, markets: new Map([[q.fiatCurrency!, market]]), cursorAfter };
}
