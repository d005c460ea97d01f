import { z } from 'zod';
import { fiatFor, fiatPrice, formatFiat, marginPercent } from '../fiat.ts';
import { formatXmr, positiveXmrAmount } from '../money.ts';
import { username } from './auth.ts';

/** Offer-book bodies and answers of the offers service (through the gateway). Bodies are strict. */

/** The currencies offers may be priced in: a curated list, so a typo cannot open an empty market. */
// biome-ignore format: a table reads better than one code per line
export const fiatCurrencies = [
  'USD', 'EUR', 'GBP', 'CHF', 'JPY', 'CNY', 'CAD', 'AUD', 'NZD', 'SEK', 'NOK',
  'DKK', 'PLN', 'CZK', 'HUF', 'RON', 'TRY', 'UAH', 'RUB', 'INR', 'BRL', 'MXN',
  'ARS', 'ZAR', 'KRW', 'SGD', 'HKD', 'THB', 'IDR', 'PHP', 'ILS', 'AED', 'NGN',
] as const;
// biome-ignore format: a table reads better than one code per line
export const paymentMethods = [
  'SEPA', 'SEPA_INSTANT', 'BANK_TRANSFER', 'FASTER_PAYMENTS', 'ZELLE', 'INTERAC',
  'PIX', 'UPI', 'REVOLUT', 'WISE', 'PAYPAL', 'CASH_BY_MAIL',
  'CASH_IN_PERSON', 'GIFT_CARD', 'OTHER',
] as const;
export const offerSides = ['BUY', 'SELL'] as const;
export const priceTypes = ['FIXED', 'MARKET'] as const;
export const offerStatuses = ['ACTIVE', 'PAUSED', 'CLOSED'] as const;
export const OFFER_PAGE_MAX = 50;

export const fiatCurrency = z.enum(fiatCurrencies, { message: 'must be a supported ISO 4217 code in upper case, such as "EUR"' });
export const paymentMethod = z.enum(paymentMethods, { message: `must be one of ${paymentMethods.join(', ')}` });
const side = z.enum(offerSides, { message: 'must be BUY or SELL' });
const priceType = z.enum(priceTypes, { message: 'must be FIXED or MARKET' });
/** tryParseMargin admits anything above −100 %; an offer keeps at least 0.01 % of the market price. */
const margin = marginPercent.refine((m) => m >= -999_900n, { message: 'must be at least -99.99' });
const methods = z
  .array(paymentMethod)
  .min(1, { message: 'must list at least one payment method' })
  .max(10, { message: 'must list at most 10 payment methods' })
  .refine((list) => new Set(list).size === list.length, { message: 'must not list a payment method twice' });
const otherMethod = z.string().trim().min(1).max(200);
const terms = z.string().trim().max(2000);
/** How to pay the seller (an IBAN, a PayPal address): shown to the buyer of a trade alone, never in the offer book. */
export const paymentDetails = z.string().trim().min(1).max(1000);
const paymentWindowMinutes = z.number().int().min(15).max(1440);
/** The owner's minimum reputation: takers with fewer completed trades are refused (0: anyone). */
const minTakerCompletedTrades = z.number().int().min(0).max(1000);

/** The largest fiat value a trade records (its price and fiat_amount are DECIMAL(20,8)), scaled by 10^8. */
export const TRADE_FIAT_MAX = 10n ** 20n - 1n;

/**
 * Why a trade of `amount` at `price` could not be recorded (its price or its fiat amount would not
 * fit its column), as a sentence for the person who asked; undefined when it fits.
 */
export function tradeFiatOverflow(price: bigint, amount: bigint, fiatCurrency: string): string | undefined {
  const largest = `${formatFiat(TRADE_FIAT_MAX)} ${fiatCurrency}`;
  if (price > TRADE_FIAT_MAX)
    return `The price of ${formatFiat(price)} ${fiatCurrency} per XMR is more than the largest price a trade can record (${largest}).`;
  const fiat = fiatFor(amount, price);
  if (fiat <= TRADE_FIAT_MAX) return undefined;
  return `${formatXmr(amount)} XMR at ${formatFiat(price)} ${fiatCurrency} per XMR would cost ${formatFiat(fiat)} ${fiatCurrency}, more than the largest amount a trade can record (${largest}): lower the price or the maximum amount.`;
}

/** The rules between fields, on parsed values: shared by the create body and by an update merged onto its offer. */
export interface OfferTerms {
  side?: 'BUY' | 'SELL' | undefined;
  paymentDetails?: string | null | undefined;
  paymentMethods: readonly string[];
  otherMethod?: string | null | undefined;
  priceType: 'FIXED' | 'MARKET';
  fixedPrice?: bigint | null | undefined;
  marginPercent?: bigint | null | undefined;
  minAmount: bigint;
  maxAmount: bigint;
}

export function offerRuleIssues(offer: OfferTerms): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const hasOther = offer.paymentMethods.includes('OTHER');
  const present = (v: unknown) => v !== undefined && v !== null;
  if (hasOther && !present(offer.otherMethod)) issues.push({ path: 'otherMethod', message: 'is required when OTHER is a payment method' });
  if (!hasOther && present(offer.otherMethod)) issues.push({ path: 'otherMethod', message: 'is only for the OTHER payment method' });
  const [own, foreign] =
    offer.priceType === 'FIXED' ? (['fixedPrice', 'marginPercent'] as const) : (['marginPercent', 'fixedPrice'] as const);
  if (!present(offer[own])) issues.push({ path: own, message: `is required with priceType ${offer.priceType}` });
  if (present(offer[foreign])) issues.push({ path: foreign, message: `is not allowed with priceType ${offer.priceType}` });
  if (offer.minAmount > offer.maxAmount) issues.push({ path: 'minAmount', message: 'must not be greater than maxAmount' });
  if (offer.side === 'BUY' && present(offer.paymentDetails)) {
    issues.push({ path: 'paymentDetails', message: 'is for SELL offers: on a BUY offer the seller gives them when the trade opens' });
  }
  return issues;
}

export const createOfferBody = z
  .strictObject({
    side,
    fiatCurrency,
    paymentMethods: methods,
    otherMethod: otherMethod.optional(),
    priceType,
    fixedPrice: fiatPrice.optional(),
    marginPercent: margin.optional(),
    minAmount: positiveXmrAmount,
    maxAmount: positiveXmrAmount,
    paymentWindowMinutes,
    terms: terms.optional(),
    paymentDetails: paymentDetails.optional(),
    minTakerCompletedTrades: minTakerCompletedTrades.default(0),
  })
  .superRefine((offer, ctx) => {
    for (const issue of offerRuleIssues(offer)) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
  });

/** Any subset of the fields; the rules between them are checked once merged onto the offer. CLOSED only through DELETE. */
export const updateOfferBody = z
  .strictObject({
    side: side.optional(),
    fiatCurrency: fiatCurrency.optional(),
    paymentMethods: methods.optional(),
    otherMethod: otherMethod.nullable().optional(),
    priceType: priceType.optional(),
    fixedPrice: fiatPrice.nullable().optional(),
    marginPercent: margin.nullable().optional(),
    minAmount: positiveXmrAmount.optional(),
    maxAmount: positiveXmrAmount.optional(),
    paymentWindowMinutes: paymentWindowMinutes.optional(),
    terms: terms.nullable().optional(),
    paymentDetails: paymentDetails.nullable().optional(),
    minTakerCompletedTrades: minTakerCompletedTrades.optional(),
    status: z.enum(['ACTIVE', 'PAUSED'], { message: 'must be ACTIVE or PAUSED (close an offer with DELETE)' }).optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'change at least one field' });

export const offerParams = z.strictObject({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const limit = z.coerce.number().int().min(1).max(OFFER_PAGE_MAX).default(20);
const cursor = z.string().min(1).max(200);

export const offerListQuery = z
  .strictObject({
    side: side.optional(),
    fiatCurrency: fiatCurrency.optional(),
    paymentMethod: paymentMethod.optional(),
    /** Only offers whose limits admit this XMR amount. */
    amount: positiveXmrAmount.optional(),
    minPrice: fiatPrice.optional(),
    maxPrice: fiatPrice.optional(),
    sort: z.enum(['price', 'newest']).default('newest'),
    cursor: cursor.optional(),
    limit,
  })
  .superRefine((q, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    // Prices in different currencies, or of buyers and sellers, have no common order.
    if (q.sort === 'price' && !q.fiatCurrency) issue('fiatCurrency', 'is required with sort=price');
    if (q.sort === 'price' && !q.side) issue('side', 'is required with sort=price');
    if ((q.minPrice !== undefined || q.maxPrice !== undefined) && !q.fiatCurrency)
      issue('fiatCurrency', 'is required with minPrice or maxPrice');
    if (q.minPrice !== undefined && q.maxPrice !== undefined && q.minPrice > q.maxPrice)
      issue('minPrice', 'must not be greater than maxPrice');
  });

export const myOffersQuery = z.strictObject({ status: z.enum(offerStatuses).optional(), cursor: cursor.optional(), limit });

export const offerOwnerView = z.object({
  username: z.string(),
  tradesCompleted: z.number().int(),
  positive: z.number().int(),
  neutral: z.number().int(),
  negative: z.number().int(),
});

export const offerView = z.object({
  id: z.number().int(),
  ownerId: z.number().int(),
  ownerUsername: z.string(),
  side: z.enum(offerSides),
  fiatCurrency: z.string(),
  paymentMethods: z.array(z.string()),
  otherMethod: z.string().nullable(),
  priceType: z.enum(priceTypes),
  fixedPrice: z.string().nullable(),
  marginPercent: z.string().nullable(),
  /** The price now: the fixed price, or the market price moved by the margin; null while no market price is known. */
  price: z.string().nullable(),
  minAmount: z.string(),
  maxAmount: z.string(),
  paymentWindowMinutes: z.number().int(),
  terms: z.string().nullable(),
  /** Takers with fewer completed trades than this are refused (0: anyone may trade). */
  minTakerCompletedTrades: z.number().int(),
  status: z.enum(offerStatuses),
  createdAt: z.string(),
  owner: offerOwnerView,
  /** In the owner's own answers only (never in the book): what a SELL offer's buyers will see. */
  paymentDetails: z.string().nullable().optional(),
});
export const offerListView = z.object({ items: z.array(offerView), nextCursor: z.string().nullable() });

export const priceParams = z.strictObject({ fiatCurrency });
export const marketPriceView = z.object({ fiatCurrency: z.string(), price: z.string(), source: z.enum(['feeds', 'fallback']) });
export const fallbackPriceBody = z.strictObject({ price: fiatPrice });
export const fallbackPriceView = z.object({ fiatCurrency: z.string(), price: z.string(), updatedAt: z.string() });

export const userParams = z.strictObject({ username });
export const userProfileView = z.object({
  username: z.string(),
  memberSince: z.string(),
  tradesCompleted: z.number().int(),
  feedback: z.object({ positive: z.number().int(), neutral: z.number().int(), negative: z.number().int() }),
  /** The median time from "money sent" to release in the user's completed sales; null before the first. */
  medianReleaseMinutes: z.number().nullable(),
});

/** What the offers service did for an account being deleted (login asks; refused while a trade is open). */
export const closedUserView = z.object({ closedOffers: z.number().int() });
