import { AppError } from '@pupero/shared/errors';

/**
 * Price order in SQL without an expression in WHERE. Every effective price is a "key": the price
 * scaled by 10^14, exact for both kinds of offer — a fixed price has 8 decimals, and a market
 * price (8 decimals) times 1 + margin/100 (6 decimals) has 14. A key is linear in the column
 * the offer is indexed by:
 *
 *   FIXED:  key = 10^6 · fixed_price       (fixed_price scaled 10^8)
 *   MARKET: key = market · (10^6 + margin)  (margin_percent scaled 10^4, market scaled 10^8)
 *
 * so a bound on the price is an exact bound on fixed_price or margin_percent, which an index
 * range can use, and ordering by that column (then id) is ordering by price (then id).
 */
export const KEY_DECIMALS = 14;
const FIAT_TO_KEY = 1_000_000n;

export interface KeyColumn {
  /** key = unit · (column + offset), column as a scaled integer */
  unit: bigint;
  offset: bigint;
  decimals: number;
  /** Every stored value lies strictly inside; bounds are clamped here so they fit the SQL cast. */
  floor: bigint;
  ceiling: bigint;
}

export const fixedColumn: KeyColumn = { unit: FIAT_TO_KEY, offset: 0n, decimals: 8, floor: 0n, ceiling: 10n ** 20n };
export const marginColumn = (market: bigint): KeyColumn => ({
  unit: market,
  offset: 1_000_000n,
  decimals: 4,
  floor: -1_000_001n,
  ceiling: 10_000_001n,
});

export const priceKey = (price: bigint) => price * FIAT_TO_KEY;

const clamp = (c: KeyColumn, v: bigint) => (v < c.floor ? c.floor : v > c.ceiling ? c.ceiling : v);

/** The smallest column value whose price is at least `key`. Keys are never negative. */
export const atLeast = (c: KeyColumn, key: bigint) => clamp(c, (key + c.unit - 1n) / c.unit - c.offset);
/** The largest column value whose price is at most `key`. */
export const atMost = (c: KeyColumn, key: bigint) => clamp(c, key / c.unit - c.offset);
export const keyOf = (c: KeyColumn, value: bigint) => c.unit * (value + c.offset);

/** A scaled integer as decimal text for `CAST(? AS DECIMAL(…))`. */
export function scaledText(value: bigint, decimals: number): string {
  const abs = value < 0n ? -value : value;
  const scale = 10n ** BigInt(decimals);
  return `${value < 0n ? '-' : ''}${abs / scale}.${(abs % scale).toString().padStart(decimals, '0')}`;
}

/** A key as SQL returns it (DECIMAL(34,14) as text). */
export function parseKey(text: string): bigint | undefined {
  const match = /^(\d{1,20})(?:\.(\d{1,14}))?$/.exec(text);
  if (!match) return undefined;
  return BigInt(match[1]!) * 10n ** BigInt(KEY_DECIMALS) + BigInt((match[2] ?? '').padEnd(KEY_DECIMALS, '0'));
}

export type Cursor = { sort: 'newest'; id: number } | { sort: 'price'; key: bigint; id: number };

/** Opaque to clients: base64url of the position after the last item of a page. */
export function encodeCursor(cursor: Cursor): string {
  const plain = cursor.sort === 'newest' ? { s: 'n', id: cursor.id } : { s: 'p', k: scaledText(cursor.key, KEY_DECIMALS), id: cursor.id };
  return Buffer.from(JSON.stringify(plain)).toString('base64url');
}

export function decodeCursor(text: string, sort: Cursor['sort']): Cursor {
  const invalid = () => new AppError('VALIDATION_FAILED', 'cursor is invalid', [{ path: 'querystring.cursor', message: 'is invalid' }]);
  let plain: { s?: unknown; k?: unknown; id?: unknown };
  try {
    plain = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const id = plain?.id;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > 2_147_483_647) throw invalid();
  if (sort === 'newest' && plain.s === 'n') return { sort, id };
  const key = typeof plain.k === 'string' ? parseKey(plain.k) : undefined;
  if (sort === 'price' && plain.s === 'p' && key !== undefined) return { sort, key, id };
  throw invalid();
}
