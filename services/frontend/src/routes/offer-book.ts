import { fiatCurrencies, paymentMethods } from '@pupero/shared/contracts';
import { fiatFor, formatFiat, tryParseFiat } from '@pupero/shared/fiat';
import { tryParseXmr } from '@pupero/shared/money';
import type { Request } from 'express';
import { normalizeDecimal } from '../i18n/format.ts';
import { say } from './support.ts';

const oneOf = <T extends string>(list: readonly T[], value: unknown): T | undefined =>
  list.includes(value as T) ? (value as T) : undefined;
const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** The book's filters as the reader chose them (the page's own parameter names), and a sentence when one cannot be used. */
export function bookFilters(req: Request) {
  // "Buy XMR" lists the offers of people who sell it, and the other way round.
  const side: 'BUY' | 'SELL' = req.query.side === 'BUY' ? 'BUY' : 'SELL';
  const fiatCurrency = oneOf(fiatCurrencies, req.query.currency);
  const paymentMethod = oneOf(paymentMethods, req.query.method);
  const typedAmount = text(req.query.amount);
  const amount = typedAmount ? normalizeDecimal(typedAmount) : null;
  const usableAmount = amount !== null && amount !== undefined && positiveXmr(amount);
  const sort = req.query.sort === 'price' ? 'price' : 'newest';
  const problems: string[] = [];
  if (typedAmount && !usableAmount) problems.push(say(req, 'home.badAmount'));
  if (sort === 'price' && !fiatCurrency) problems.push(say(req, 'home.sortNeedsCurrency'));
  return {
    side,
    fiatCurrency,
    paymentMethod,
    /** As typed, to show in the field again. */
    amount: typedAmount,
    sort,
    apiQuery: apiQuery({ side, fiatCurrency, paymentMethod, amount: usableAmount ? amount : null, sort }),
    error: problems.length > 0 ? problems.join(' ') : null,
  };
}

export type BookFilters = ReturnType<typeof bookFilters>;

const positiveXmr = (decimal: string) => {
  const parsed = tryParseXmr(decimal);
  return parsed.ok && parsed.piconero > 0n;
};

function apiQuery(f: { side: string; fiatCurrency?: string; paymentMethod?: string; amount: string | null; sort: string }) {
  const query = new URLSearchParams({ side: f.side, limit: '20' });
  if (f.fiatCurrency) query.set('fiatCurrency', f.fiatCurrency);
  if (f.paymentMethod) query.set('paymentMethod', f.paymentMethod);
  if (f.amount) query.set('amount', f.amount);
  // Prices compare only within one currency: without one the book stays newest first.
  if (f.sort === 'price' && f.fiatCurrency) query.set('sort', 'price');
  return query;
}

/** The book's address on the other tab (or another page of it): every filter kept but the side. */
export function bookLink(filters: BookFilters, side: 'BUY' | 'SELL'): string {
  const query = new URLSearchParams({ side });
  if (filters.fiatCurrency) query.set('currency', filters.fiatCurrency);
  if (filters.paymentMethod) query.set('method', filters.paymentMethod);
  if (filters.amount) query.set('amount', filters.amount);
  if (filters.sort !== 'newest') query.set('sort', filters.sort);
  return `/?${query}`;
}

/** What the offer's smallest and largest trades cost at its price now, to the cent; null without a price. */
export function fiatRange(offer: { price: string | null; minAmount: string; maxAmount: string }) {
  const price = offer.price === null ? null : tryParseFiat(offer.price);
  const [min, max] = [tryParseXmr(offer.minAmount), tryParseXmr(offer.maxAmount)];
  if (!price?.ok || !min.ok || !max.ok) return null;
  const cents = (piconero: bigint) => formatFiat((fiatFor(piconero, price.scaled) / 1_000_000n) * 1_000_000n);
  return { min: cents(min.piconero), max: cents(max.piconero) };
}
