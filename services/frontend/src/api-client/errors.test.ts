import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refusalOf, waitInWords } from './errors.ts';

describe('the gateway refusals a person reads', () => {
  it('says when to try again after a 429, rounded up: seconds under a minute, then minutes, then hours', () => {
    assert.deepEqual([1, 45, 59, 60, 61, 240, 899, 3600, 3601].map(waitInWords), [
      '1 second',
      '45 seconds',
      '59 seconds',
      '1 minute',
      '2 minutes',
      '4 minutes',
      '15 minutes',
      '1 hour',
      '2 hours',
    ]);
    const limited = { status: 429, body: { statusCode: 429, code: 'TOO_MANY_REQUESTS', message: 'Too many requests; retry in 3 s' } };
    assert.equal(refusalOf({ ...limited, retryAfter: '181' }).readable, 'Too many attempts. Try again in 4 minutes.');
    const fromBody = { ...limited, body: { ...limited.body, details: { retryAfterSeconds: 3 } }, retryAfter: null };
    assert.equal(refusalOf(fromBody).readable, 'Too many attempts. Try again in 3 seconds.', 'the common shape when the header is lost');
    assert.equal(refusalOf(limited).readable, 'Too many attempts. Try again later.');
  });
});
