import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonResponse } from '@pupero/shared/testing';
import { type OffersStack, startOffersStack, tradeOnNewOffer } from '@pupero/test-stack/offers';

let now = Date.parse('2026-12-03T12:00:00Z');

/** Trade chat with the default limits (200 messages per person per trade, 20 a minute); the clock is injected. */
describe('trade chat', () => {
  let stack: OffersStack;
  before(async () => {
    stack = await startOffersStack({ now: () => new Date(now) });
  });
  after(() => stack.close());

  it('limits each party, and lets a moderator page through every message of a disputed trade', async () => {
    const [seller, buyer, moderator] = [await stack.signUp('se'), await stack.signUp('bu'), await stack.signUp('mo')];
    await stack.fund(seller.id, '2');
    const { trade } = await tradeOnNewOffer(stack, seller, buyer, '1', { maxAmount: '1', paymentWindowMinutes: 60 });
    const post = (user: { token: string }, body: string) =>
      stack.api('POST', `/trades/${trade.id}/messages`, { token: user.token, body: { body } });

    // 25 at once in one minute: exactly 20 get in, the others are told when to try again.
    const burst = await Promise.all(Array.from({ length: 25 }, (_, i) => post(buyer, `buyer ${i}`)));
    assert.deepEqual(burst.map((r) => r.status).sort(), [...Array(20).fill(201), ...Array(5).fill(429)]);
    const slow = burst.find((r) => r.status === 429)!;
    assert.match(slow.body.message, /at most 20 messages a minute/);
    assert.equal(slow.headers.get('retry-after'), '60');
    for (let minute = 1; minute < 10; minute += 1) {
      now += 60_000;
      for (let i = 0; i < 20; i += 1) assert.equal((await post(buyer, `buyer ${minute}.${i}`)).status, 201);
    }
    now += 60_000;
    const capped = await post(buyer, 'one more');
    assert.equal(capped.status, 409);
    assert.match(capped.body.message, /You have sent 200 messages in this trade, the most one person may send in one trade/);
    for (let i = 0; i < 5; i += 1) assert.equal((await post(seller, `seller ${i}`)).status, 201, 'the cap is per person');

    await stack.api('POST', `/trades/${trade.id}/paid`, { token: buyer.token });
    await stack.api('POST', `/trades/${trade.id}/dispute`, { token: seller.token, body: { reason: 'no money arrived' } });
    const modToken = await stack.makeAdmin(moderator.username, moderator.password);
    const seen: { id: string; body: string }[] = [];
    let pages = 0;
    for (let after: string | null = ''; after !== null; pages += 1) {
      const page: JsonResponse = await stack.api('GET', `/trades/${trade.id}/messages${after ? `?after=${after}` : ''}`, {
        token: modToken,
      });
      assert.equal(page.status, 200, JSON.stringify(page.body));
      seen.push(...page.body.items);
      after = page.body.nextCursor;
    }
    assert.equal(pages, 3, '205 messages, 100 a page');
    assert.equal(seen.length, 205);
    assert.equal(new Set(seen.map((m) => m.id)).size, 205, 'no message twice');
    assert.deepEqual(
      seen.map((m) => BigInt(m.id)),
      seen.map((m) => BigInt(m.id)).sort((a, b) => (a < b ? -1 : 1)),
      'oldest first',
    );
    assert.deepEqual(
      seen.slice(-5).map((m) => m.body),
      ['seller 0', 'seller 1', 'seller 2', 'seller 3', 'seller 4'],
    );
    const small = await stack.api('GET', `/trades/${trade.id}/messages?after=${seen[199]!.id}&limit=3`, { token: modToken });
    assert.deepEqual(
      small.body.items.map((m: { body: string }) => m.body),
      ['seller 0', 'seller 1', 'seller 2'],
    );
    assert.equal(small.body.nextCursor, seen[202]!.id);
    for (const query of ['?limit=0', '?limit=101', '?after=x', '?cursor=1']) {
      assert.equal((await stack.api('GET', `/trades/${trade.id}/messages${query}`, { token: modToken })).status, 400, query);
    }
  });
});
