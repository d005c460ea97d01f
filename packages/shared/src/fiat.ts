import { z } from 'zod';

/**
 * Fiat prices and amounts as exact decimals: bigint scaled by 10^8 (DECIMAL(20,8) in MariaDB),
 * never floats. A price is fiat per 1 XMR.
 */
export const FIAT_SCALE = 100_000_000n;
const FIAT_PATTERN = /^(0|[1-9]\d{0,11})(?:\.(\d{1,8}))?$/;

export function tryParseFiat(input: unknown): { ok: true; scaled: bigint } | { ok: false; reason: string } {
  if (typeof input !== 'string' || !FIAT_PATTERN.test(input))
    return { ok: false, reason: 'must be a decimal string with at most 8 decimals, such as "152.30"' };
  const [whole, fraction = ''] = input.split('.');
  return { ok: true, scaled: BigInt(whole!) * FIAT_SCALE + BigInt(fraction.padEnd(8, '0')) };
}

/** The canonical decimal string, trailing zeros trimmed but at least two decimals ("152.30"). */
export function formatFiat(scaled: bigint): string {
  const negative = scaled < 0n;
  const abs = negative ? -scaled : scaled;
  const fraction = (abs % FIAT_SCALE).toString().padStart(8, '0').replace(/0+$/, '').padEnd(2, '0');
  return `${negative ? '-' : ''}${abs / FIAT_SCALE}.${fraction}`;
}

/** What `piconero` XMR cost at `price` (fiat per XMR, scaled): rounded down to the 10^-8 unit. */
export function fiatFor(piconero: bigint, priceScaled: bigint): bigint {
  return (piconero * priceScaled) / 1_000_000_000_000n;
}

/** A market price moved by a margin in percent (scaled by 10^4: 2.5 % = 25_000n), rounded down. */
export function withMargin(priceScaled: bigint, marginScaled: bigint): bigint {
  return (priceScaled * (1_000_000n + marginScaled)) / 1_000_000n;
}

/** A margin in percent, -99.99 … 1000, with at most 4 decimals, as a bigint scaled by 10^4. */
export function tryParseMargin(input: unknown): { ok: true; scaled: bigint } | { ok: false; reason: string } {
  if (typeof input !== 'string' || !/^-?(0|[1-9]\d{0,3})(\.\d{1,4})?$/.test(input))
    return { ok: false, reason: 'must be a percentage such as "2.5" or "-1"' };
  const negative = input.startsWith('-');
  const [whole, fraction = ''] = input.replace('-', '').split('.');
  const scaled = (BigInt(whole!) * 10_000n + BigInt(fraction.padEnd(4, '0'))) * (negative ? -1n : 1n);
  if (scaled <= -1_000_000n || scaled > 10_000_000n) return { ok: false, reason: 'must be above -100 and at most 1000' };
  return { ok: true, scaled };
}

const fromParser = (parse: typeof tryParseFiat) =>
  z.string().transform((value, ctx) => {
    const result = parse(value);
    if (!result.ok) {
      ctx.addIssue({ code: 'custom', message: result.reason });
      return z.NEVER;
    }
    return result.scaled;
  });

export const fiatPrice = fromParser(tryParseFiat).refine((v) => v > 0n, { message: 'must be greater than zero' });
export const marginPercent = fromParser(tryParseMargin);
