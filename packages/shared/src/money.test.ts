import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AppError } from './errors.ts';
import { formatXmr, MAX_XMR_AMOUNT, PICONERO_PER_XMR, parseXmr, positiveXmrAmount, tryParseXmr } from './money.ts';

const MAX = MAX_XMR_AMOUNT;

describe('money', () => {
  it('parses the documented examples exactly', () => {
    assert.equal(parseXmr('1.5'), 1_500_000_000_000n);
    assert.equal(parseXmr('0.000000000001'), 1n);
    assert.equal(parseXmr('0'), 0n);
    assert.equal(parseXmr('9000000'), 9_000_000_000_000_000_000n);
    assert.equal(tryParseXmr('9000000.000000000001').ok, false, 'above the BIGINT-safe maximum');
    assert.equal(formatXmr(1_500_000_000_000n), '1.5');
    assert.equal(formatXmr(1n), '0.000000000001');
    assert.equal(formatXmr(-250_000_000_000n), '-0.25');
  });

  it('round-trips every piconero amount: parse(format(n)) === n', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX }), (n) => parseXmr(formatXmr(n)) === n),
      { numRuns: 2000 },
    );
  });

  it('formats canonically: format(parse(s)) drops only trailing zeros', () => {
    const decimalString = fc
      .tuple(fc.bigInt({ min: 0n, max: 8_999_999n }), fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 0, maxLength: 12 }))
      .map(([whole, frac]) => (frac ? `${whole}.${frac}` : `${whole}`));
    fc.assert(
      fc.property(decimalString, (s) => {
        const canonical = s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
        return formatXmr(parseXmr(s)) === canonical;
      }),
      { numRuns: 2000 },
    );
  });

  it('is monotonic: the order of amounts is the order of their piconero', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX }), fc.bigInt({ min: 0n, max: MAX }), (a, b) => {
        const [pa, pb] = [parseXmr(formatXmr(a)), parseXmr(formatXmr(b))];
        return a < b === pa < pb;
      }),
    );
  });

  it('refuses bad input with a clear reason', () => {
    const cases: [unknown, RegExp][] = [
      ['', /empty/],
      ['-1', /negative/],
      ['1e3', /exponent/],
      ['1E-12', /negative|exponent/],
      ['0.0000000000001', /at most 12 decimals/],
      ['1.', /decimal XMR string/],
      ['.5', /decimal XMR string/],
      ['01', /decimal XMR string/],
      [' 1', /decimal XMR string/],
      ['1,5', /decimal XMR string/],
      ['NaN', /decimal XMR string/],
      ['Infinity', /decimal XMR string/],
      ['0x10', /decimal XMR string/],
      ['12345678901', /decimal XMR string/],
      ['9999999999', /at most 9000000 XMR/],
      [1.5, /decimal XMR string/],
      [null, /decimal XMR string/],
    ];
    for (const [input, reason] of cases) {
      const result = tryParseXmr(input);
      assert.equal(result.ok, false, `${JSON.stringify(input)} should be refused`);
      if (!result.ok) assert.match(result.reason, reason, String(input));
      assert.throws(
        () => parseXmr(input),
        (e: unknown) => e instanceof AppError && e.statusCode === 400,
      );
    }
  });

  it('refuses arbitrary non-decimal strings without throwing anything but AppError', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const result = tryParseXmr(s);
        return result.ok ? /^(0|[1-9]\d*)(\.\d{1,12})?$/.test(s) : true;
      }),
      { numRuns: 2000 },
    );
  });

  it('the zod field gives piconero and refuses zero where a positive amount is needed', () => {
    assert.equal(positiveXmrAmount.parse('2'), 2n * PICONERO_PER_XMR);
    assert.equal(positiveXmrAmount.safeParse('0').success, false);
    assert.equal(positiveXmrAmount.safeParse('abc').success, false);
  });
});
