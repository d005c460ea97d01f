import { normalizeDecimal } from './i18n/format.ts';
import { field, fields } from './routes/support.ts';

/** What the offer form holds, as typed (re-shown after a refusal). */
export interface OfferFormValues {
  side: string;
  fiatCurrency: string;
  paymentMethods: string[];
  otherMethod: string;
  priceType: string;
  fixedPrice: string;
  marginPercent: string;
  minAmount: string;
  maxAmount: string;
  paymentWindowMinutes: string;
  terms: string;
  minTakerCompletedTrades: string;
  /** A SELL offer's payment details, copied into each trade for its buyer only. */
  paymentDetails: string;
}

export function offerFormValues(body: Record<string, unknown> | undefined): OfferFormValues {
  const text = (name: string) => field(body, name);
  return {
    side: text('side'),
    fiatCurrency: text('fiatCurrency'),
    paymentMethods: fields(body, 'paymentMethods'),
    otherMethod: text('otherMethod'),
    priceType: text('priceType'),
    fixedPrice: text('fixedPrice'),
    marginPercent: text('marginPercent'),
    minAmount: text('minAmount'),
    maxAmount: text('maxAmount'),
    paymentWindowMinutes: text('paymentWindowMinutes'),
    terms: text('terms'),
    minTakerCompletedTrades: text('minTakerCompletedTrades'),
    paymentDetails: text('paymentDetails'),
  };
}

/** An offer from the gateway as form values, for the edit page. */
export function offerToForm(offer: any): OfferFormValues {
  return {
    side: offer.side,
    fiatCurrency: offer.fiatCurrency,
    paymentMethods: offer.paymentMethods,
    otherMethod: offer.otherMethod ?? '',
    priceType: offer.priceType,
    fixedPrice: offer.fixedPrice ?? '',
    marginPercent: offer.marginPercent ?? '',
    minAmount: offer.minAmount,
    maxAmount: offer.maxAmount,
    paymentWindowMinutes: String(offer.paymentWindowMinutes),
    terms: offer.terms ?? '',
    minTakerCompletedTrades: String(offer.minTakerCompletedTrades ?? 0),
    paymentDetails: offer.paymentDetails ?? '',
  };
}

/**
 * The body of POST /offers, or of a PATCH that sets every field: the price of the other type and an
 * unused `otherMethod` become null on a PATCH, as the offers service expects. Numbers stay strings
 * the gateway checks; the payment window and the minimum of completed trades are JSON numbers (an
 * empty minimum means anyone). Payment details go with a SELL offer only.
 */
export function offerBody(v: OfferFormValues, forPatch: boolean) {
  const fixed = v.priceType === 'FIXED';
  const other = v.paymentMethods.includes('OTHER');
  const absent = forPatch ? null : undefined;
  const whole = (text: string) => (/^\d+$/.test(text) ? Number(text) : text);
  // "0,5" and "1 000" as typed by a person; what is no number goes as typed, for the gateway to refuse.
  const decimal = (text: string) => normalizeDecimal(text) ?? text;
  // Only a SELL offer has them (the seller's); a BUY offer's seller is its taker, who gives them with the trade.
  const details = v.side !== 'SELL' ? undefined : v.paymentDetails === '' ? absent : v.paymentDetails;
  const minTrades = v.minTakerCompletedTrades === '' ? 0 : whole(v.minTakerCompletedTrades);
  const body = {
    side: v.side,
    fiatCurrency: v.fiatCurrency,
    paymentMethods: v.paymentMethods,
    otherMethod: other ? v.otherMethod : absent,
    priceType: v.priceType,
    fixedPrice: fixed ? decimal(v.fixedPrice) : absent,
    marginPercent: fixed ? absent : decimal(v.marginPercent),
    minAmount: decimal(v.minAmount),
    maxAmount: decimal(v.maxAmount),
    paymentWindowMinutes: whole(v.paymentWindowMinutes),
    terms: v.terms === '' ? absent : v.terms,
    minTakerCompletedTrades: minTrades,
    paymentDetails: details,
  };
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}
