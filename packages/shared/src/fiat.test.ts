import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FIAT_SCALE, fiatFor, formatFiat, tryParseFiat, tryParseMargin, withMargin } from './fiat.ts';

const parse = (s: string) => {
  const r = tryParseFiat(s);
  if (!r.ok) throw new Error(r.reason);
  return r.scaled;
};

describe('fiat decimals', () => {
  it('parses and formats exactly', () => {
    assert.equal(parse('152.3'), 15_230_000_000n);
    assert.equal(formatFiat(15_230_000_000n), '152.30');
    assert.equal(formatFiat(1n), '0.00000001');
    assert.equal(tryParseFiat('1e3').ok, false);
    assert.equal(tryParseFiat('-1').ok, false);
    assert.equal(tryParseFiat('1.123456789').ok, false);
  });

  it('prices an amount without floats: 1.5 XMR at 152.30 is 228.45', () => {
    assert.equal(formatFiat(fiatFor(1_500_000_000_000n, parse('152.30'))), '228.45');
    assert.equal(formatFiat(fiatFor(1n, parse('152.30'))), '0.00', 'one piconero rounds down to nothing');
  });

  it('applies a margin: 150 at +2.5 % is 153.75, at -1 % is 148.50', () => {
    const margin = (s: string) => {
      const r = tryParseMargin(s);
      if (!r.ok) throw new Error(r.reason);
      return r.scaled;
    };
    assert.equal(formatFiat(withMargin(parse('150'), margin('2.5'))), '153.75');
    assert.equal(formatFiat(withMargin(parse('150'), margin('-1'))), '148.50');
    assert.equal(tryParseMargin('-100').ok, false);
  });

  it('round-trips every scaled value', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n * FIAT_SCALE - 1n }), (n) => parse(formatFiat(n)) === n));
  });
});
