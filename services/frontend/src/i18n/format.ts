import type { Language } from './setup.ts';

/** The reader's time zone (set by the account page, or once by app.js from the browser's Intl). */
export const TIME_ZONE_COOKIE = 'pupero_tz';
export const DEFAULT_TIME_ZONE = 'UTC';

/** Whether Intl knows this IANA zone ("Europe/Paris"). */
export function isTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * An exact decimal string of the API ("1234.5", "-0.000000000001") written the reader's way
 * ("1,234.5" / "1 234,5"): never through a float, so XMR keeps its 12 decimals.
 */
export function formatDecimal(text: string, language: Language): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction] = match;
  const parts = new Intl.NumberFormat(language).formatToParts(1.5);
  const separator = parts.find((p) => p.type === 'decimal')?.value ?? '.';
  const grouped = new Intl.NumberFormat(language).format(BigInt(whole!));
  return `${sign ? '−' : ''}${grouped}${fraction ? separator + fraction : ''}`;
}

/**
 * A number typed by a person into the API's decimal string: spaces (also no-break and narrow
 * no-break) and the other separator as thousands separators, a decimal comma or point, a typographic
 * minus. A lone comma is the decimal comma ("0,5" is half an XMR, whatever the page's language).
 * Null when it is not a number.
 */
export function normalizeDecimal(input: string): string | null {
  const text = input.replace(/[\s\u00a0\u202f\u2009]/g, '').replace(/^[−–]/, '-');
  // Digits, or groups of three after a comma or a point; then the decimal mark (the other one) and the decimals.
  const match = /^(-?)(\d+|\d{1,3}(?:([.,])\d{3})(?:\3\d{3})*)(?:([.,])(\d+))?$/.exec(text);
  if (!match) return null;
  const [, sign, whole, group, mark, fraction] = match;
  if (group && mark === group) return null;
  return `${sign}${group ? whole!.replaceAll(group, '') : whole}${fraction ? `.${fraction}` : ''}`;
}

/** Dates and numbers for one reader: their language, their time zone. */
export function formattersFor(language: Language, timeZone: string) {
  const dates = new Intl.DateTimeFormat(language, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  });
  return {
    /** An ISO time, or "—" when there is none. */
    when: (iso: string | null | undefined) => (iso ? dates.format(new Date(iso)) : '—'),
    /** An exact decimal (XMR, fiat, a price) the reader's way. */
    amount: (text: string | null | undefined) => (text == null ? '—' : formatDecimal(String(text), language)),
    /** A whole number (a count, minutes). */
    count: (n: number) => new Intl.NumberFormat(language).format(n),
  };
}
