import { z } from 'zod';
import { AppError } from './errors.ts';

/** 1 XMR = 10^12 piconero. Every amount in code is a bigint of piconero; never a float. */
export const PICONERO_PER_XMR = 1_000_000_000_000n;
const DECIMALS = 12;
const XMR_PATTERN = /^(0|[1-9]\d{0,9})(?:\.(\d{1,12}))?$/;
/**
 * The largest amount accepted: balances are signed BIGINT piconero (at most ~9.22 million XMR), and
 * no single amount on a marketplace comes near it; anything larger is a typo or an attack.
 */
export const MAX_XMR_AMOUNT = 9_000_000n * 1_000_000_000_000n;

export type MoneyParseResult = { ok: true; piconero: bigint } | { ok: false; reason: string };

/** Reads a decimal XMR string ("1.5", "0.000000000001") without ever touching a float. */
export function tryParseXmr(input: unknown): MoneyParseResult {
  if (typeof input !== 'string') return { ok: false, reason: 'must be a decimal XMR string such as "1.5"' };
  if (input.length === 0) return { ok: false, reason: 'must not be empty' };
  if (input.startsWith('-')) return { ok: false, reason: 'must not be negative' };
  if (/[eE]/.test(input)) return { ok: false, reason: 'must be written without exponent notation' };
  const match = XMR_PATTERN.exec(input);
  if (!match) {
    const decimals = input.split('.')[1];
    if (decimals && /^\d+$/.test(decimals) && decimals.length > DECIMALS) {
      return { ok: false, reason: `must have at most ${DECIMALS} decimals` };
    }
    return { ok: false, reason: 'must be a decimal XMR string such as "1.5"' };
  }
  const whole = BigInt(match[1]!);
  const fraction = BigInt((match[2] ?? '').padEnd(DECIMALS, '0'));
  const piconero = whole * PICONERO_PER_XMR + fraction;
  if (piconero > MAX_XMR_AMOUNT) return { ok: false, reason: 'must be at most 9000000 XMR' };
  return { ok: true, piconero };
}

export function parseXmr(input: unknown, field = 'amount'): bigint {
  const result = tryParseXmr(input);
  if (!result.ok) {
    throw new AppError('VALIDATION_FAILED', `${field} ${result.reason}`, [{ path: field, message: result.reason }]);
  }
  return result.piconero;
}

/** The canonical decimal string: no trailing zeros, no trailing dot ("1.5", "0", "-0.25"). */
export function formatXmr(piconero: bigint): string {
  const negative = piconero < 0n;
  const abs = negative ? -piconero : piconero;
  const whole = abs / PICONERO_PER_XMR;
  const fraction = (abs % PICONERO_PER_XMR).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** A zod field for a wire amount: a decimal XMR string in, piconero out. */
export const xmrAmount = z.string().transform((value, ctx) => {
  const result = tryParseXmr(value);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.reason });
    return z.NEVER;
  }
  return result.piconero;
});

export const positiveXmrAmount = xmrAmount.refine((v) => v > 0n, { message: 'must be greater than zero' });
