import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDecimal, formattersFor, isTimeZone, normalizeDecimal } from './format.ts';

describe('numbers and dates the reader way', () => {
  it('writes exact decimals with the language separators, every digit kept', () => {
    assert.equal(formatDecimal('1234.000000000001', 'en'), '1,234.000000000001');
    assert.equal(formatDecimal('1234.000000000001', 'fr'), '1\u202f234,000000000001');
    assert.equal(formatDecimal('9000000.5', 'fr'), '9\u202f000\u202f000,5');
    assert.equal(formatDecimal('150.00', 'en'), '150.00', 'a price keeps its trailing zeros');
    assert.equal(formatDecimal('-1.5', 'fr'), '−1,5');
    assert.equal(formatDecimal('0', 'fr'), '0');
    assert.equal(formatDecimal('not a number', 'fr'), 'not a number');
  });

  it('reads what a person types as the API decimal string: decimal comma, spaces and thousands separators', () => {
    const cases: [string, string | null][] = [
      ['0,5', '0.5'],
      ['0.5', '0.5'],
      [' 1 234,5 ', '1234.5'],
      ['1\u202f234,56', '1234.56'],
      ['1\u00a0000', '1000'],
      ['1,234.5', '1234.5'],
      ['1.234,5', '1234.5'],
      ['1,000,000', '1000000'],
      ['−1,5', '-1.5'],
      ['0,000000000001', '0.000000000001'],
      ['abc', null],
      ['1,2,3.4', null],
      ['', null],
      ['1e3', null],
    ];
    assert.deepEqual(
      cases.map(([typed]) => normalizeDecimal(typed)),
      cases.map(([, expected]) => expected),
    );
  });

  it('writes dates in the reader language and time zone, UTC when it has none', () => {
    const iso = '2026-07-14T10:05:00.000Z';
    assert.equal(formattersFor('en', 'UTC').when(iso), 'Jul 14, 2026, 10:05 AM UTC');
    assert.equal(formattersFor('fr', 'Asia/Tokyo').when(iso), '14 juil. 2026, 19:05 UTC+9');
    assert.equal(formattersFor('fr', 'UTC').when(null), '—');
    assert.ok(isTimeZone('Europe/Paris'));
    assert.ok(!isTimeZone('Mars/Olympus'));
    assert.ok(!isTimeZone(''));
  });
});
