import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonResponse } from '@pupero/shared/testing';
import { type OffersStack, sellOfferBody, startOffersStack, TEST_PAYMENT_DETAILS } from '@pupero/test-stack/offers';
import { runTradeJobs } from './domain/trades/jobs.ts';

type User = { id: number; token: string; username: string; password: string };

let now = Date.parse('2026-12-03T12:00:00Z');
const later = (minutes: number) => {
  now += minutes * 60_000;
};

/**
 * What a trade costs its abuser, with the default limits (docs/operations.md, "Trade limits"), over
 * the real services and the real ledger; the clock is injected, so 24 hours pass in no time.
 */
describe('trade limits', () => {
  let stack: OffersStack;
  before(async () => {
    stack = await startOffersStack({ now: () => new Date(now) });
  });
  after(() => stack.close());

  const balance = async (user: User) => (await stack.api('GET', `/balances/${user.id}`, { token: user.token })).body;
  const offer = async (owner: User, overrides: Record<string, unknown> = {}) => {
    const res = await stack.api('POST', '/offers', {
      token: owner.token,
      body: sellOfferBody({
        maxAmount: '10',
        paymentWindowMinutes: 1440,
        paymentDetails: TEST_PAYMENT_DETAILS,
        ...overrides,
      }),
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: number };
  };
  const open = (offerId: number, taker: User, amount: string) =>
    stack.api('POST', `/offers/${offerId}/trades`, { token: taker.token, body: { amount, paymentMethod: 'SEPA' } });
  const retryAfter = (res: JsonResponse) => Number(res.headers.get('retry-after'));
  /** A refusal in the common error shape, with a sentence; a 429 also says when to try again (header and body). */
  const refused = (res: JsonResponse, status: number, message: RegExp) => {
    assert.equal(res.status, status, JSON.stringify(res.body));
    const shape = ['code', 'message', 'statusCode', ...(status === 429 ? ['details'] : [])];
    assert.deepEqual(Object.keys(res.body).sort(), shape.sort());
    assert.match(res.body.message, message);
    if (status === 429) assert.equal(res.body.details.retryAfterSeconds, retryAfter(res));
  };
  /** A taker with `n` completed trades (real ones: opened, paid and released). */
  const experienced = async (seller: User, n: number) => {
    const taker = (await stack.signUp('xp')) as User;
    const { id } = await offer(seller);
    for (let i = 0; i < n; i += 1) {
      const trade = (await open(id, taker, '0.1')).body;
      await stack.api('POST', `/trades/${trade.id}/paid`, { token: taker.token });
      const released = await stack.api('POST', `/trades/${trade.id}/release`, { token: seller.token, body: {} });
      assert.equal(released.body.state, 'COMPLETED');
    }
    return taker;
  };

  it("stops a zero-balance new account at 1 XMR of a seller's 11, frees the coins when its trades go unpaid, and cools it off", async () => {
    const seller = (await stack.signUp('se')) as User;
    await stack.fund(seller.id, '11');
    const [first, second, third] = [await offer(seller), await offer(seller), await offer(seller)];
    const griefer = (await stack.signUp('gr')) as User;

    refused(await open(first.id, griefer, '10'), 422, /Until you have completed 3 trades, your open trades may hold at most 1 XMR in all/);
    assert.equal((await open(first.id, griefer, '0.6')).status, 201);
    refused(await open(first.id, griefer, '0.1'), 409, /1 trade awaiting payment on this offer/);
    refused(await open(second.id, griefer, '0.5'), 422, /you have 0\.6 XMR in open trades, so this trade may be for at most 0\.4 XMR/);
    const last = await open(second.id, griefer, '0.4');
    assert.equal(last.status, 201);
    await stack.api('POST', `/trades/${last.body.id}/paid`, { token: griefer.token });
    refused(await open(third.id, griefer, '0.1'), 422, /you have 1 XMR in open trades, so finish one of them first/);
    assert.deepEqual(await balance(seller), { userId: seller.id, available: '10', held: '1', total: '11' }, 'held: 1 XMR, no more');

    // The paid one ends in a dispute the seller wins; the other expires. Either way the coins come back.
    await stack.api('POST', `/trades/${last.body.id}/dispute`, { token: seller.token, body: { reason: 'no money arrived' } });
    const moderator = (await stack.signUp('mo')) as User;
    const modToken = await stack.makeAdmin(moderator.username, moderator.password);
    await stack.api('POST', `/admin/disputes/${last.body.id}/resolve`, { token: modToken, body: { winner: 'SELLER', note: 'unpaid' } });
    later(24 * 60 + 1);
    assert.equal((await runTradeJobs(stack.offers)).expired, 1);
    assert.deepEqual(await balance(seller), { userId: seller.id, available: '11', held: '0', total: '11' }, 'free again');

    // One unpaid trade is not yet a pattern; cancelling the next one late (after the 15 grace minutes) makes two.
    const again = await open(third.id, griefer, '1');
    assert.equal(again.status, 201);
    later(20);
    await stack.api('POST', `/trades/${again.body.id}/cancel`, { token: griefer.token });
    const cooling = await open(third.id, griefer, '0.1');
    refused(cooling, 429, /2 trades you opened went unpaid within 24 hours/);
    assert.equal(cooling.body.code, 'TOO_MANY_REQUESTS');
    assert.equal(retryAfter(cooling), 24 * 3600, '24 hours after the last of them');
    later(24 * 60 - 1);
    assert.equal(retryAfter(await open(third.id, griefer, '0.1')), 60);
    later(1);
    assert.equal((await open(third.id, griefer, '0.1')).status, 201, 'after the cool-off');
    assert.deepEqual(await balance(seller), { userId: seller.id, available: '10.9', held: '0.1', total: '11' });
  });

  it('caps unpaid trades at 3 even when opened all at once, and opening at 10 an hour', async () => {
    const seller = (await stack.signUp('se')) as User;
    await stack.fund(seller.id, '11');
    const taker = await experienced(seller, 3);
    const offers = [];
    for (let i = 0; i < 6; i += 1) offers.push(await offer(seller));
    const burst = await Promise.all(offers.map((o) => open(o.id, taker, '1')));
    const statuses = burst.map((res) => res.status).sort();
    assert.deepEqual(statuses, [201, 201, 201, 409, 409, 409], JSON.stringify(burst.map((res) => res.body)));
    for (const res of burst.filter((r) => r.status === 409))
      refused(res, 409, /3 trades awaiting payment, the most one person may have open/);
    assert.equal((await balance(seller)).held, '3', 'an experienced taker has no XMR ceiling, only the count');

    // Cancelled at once (within the grace minutes): no cool-off, but every open counts in the hour.
    for (const res of burst.filter((r) => r.status === 201))
      await stack.api('POST', `/trades/${res.body.id}/cancel`, { token: taker.token });
    for (let opened = 6; opened < 10; opened += 1) {
      const res = await open(offers[0]!.id, taker, '0.1');
      assert.equal(res.status, 201, `open number ${opened + 1}: ${JSON.stringify(res.body)}`);
      await stack.api('POST', `/trades/${res.body.id}/cancel`, { token: taker.token });
    }
    const eleventh = await open(offers[0]!.id, taker, '0.1');
    refused(eleventh, 429, /at most 10 trades an hour/);
    assert.equal(retryAfter(eleventh), 3600);
    later(61);
    assert.equal((await open(offers[0]!.id, taker, '0.1')).status, 201);
  });

  it("refuses a taker below the offer owner's minimum reputation, and takes one at it", async () => {
    const seller = (await stack.signUp('se')) as User;
    await stack.fund(seller.id, '5');
    const picky = await offer(seller, { minTakerCompletedTrades: 3 });
    assert.equal((await stack.api('GET', `/offers/${picky.id}`)).body.minTakerCompletedTrades, 3);
    const newcomer = (await stack.signUp('nc')) as User;
    refused(
      await open(picky.id, newcomer, '0.5'),
      422,
      /trades only with people who have completed at least 3 trades; you have completed 0/,
    );
    const taker = await experienced(seller, 3);
    assert.equal((await open(picky.id, taker, '0.5')).status, 201);
    assert.equal((await balance(seller)).held, '0.5');
  });

  it('answers 400 when price × amount would not fit a trade, on the offer and at trade time', async () => {
    const seller = (await stack.signUp('se')) as User;
    await stack.fund(seller.id, '5');
    refused(
      await stack.api('POST', '/offers', {
        token: seller.token,
        body: sellOfferBody({ fixedPrice: '999999999999', minAmount: '1', maxAmount: '2', paymentWindowMinutes: 60 }),
      }),
      400,
      /2 XMR at 999999999999\.00 EUR per XMR would cost 1999999999998\.00 EUR, more than the largest amount a trade can record \(999999999999\.99999999 EUR\)/,
    );
    const admin = (await stack.signUp('ad')) as User;
    const adminToken = await stack.makeAdmin(admin.username, admin.password);
    const setMarket = (price: string) => stack.api('PUT', '/admin/prices/CHF', { token: adminToken, body: { price } });
    assert.equal((await setMarket('100')).status, 200);
    const market = { fiatCurrency: 'CHF', priceType: 'MARKET', fixedPrice: undefined, marginPercent: '0', minAmount: '1', maxAmount: '2' };
    const priced = await offer(seller, market);
    assert.equal((await setMarket('999999999999')).status, 200);
    const buyer = (await stack.signUp('bu')) as User;
    await stack
      .api('PATCH', `/offers/${priced.id}`, { token: seller.token, body: { terms: 'unchanged' } })
      .then((res) => refused(res, 400, /would cost/));
    const overflow = await stack.api('POST', `/offers/${priced.id}/trades`, {
      token: buyer.token,
      body: { amount: '2', paymentMethod: 'SEPA' },
    });
    refused(overflow, 400, /2 XMR at 999999999999\.00 CHF per XMR would cost 1999999999998\.00 CHF/);
    assert.equal(overflow.body.code, 'BAD_REQUEST');
    refused(
      await stack.api('POST', '/offers', {
        token: seller.token,
        body: { ...market, side: 'SELL', paymentMethods: ['SEPA'], paymentWindowMinutes: 60 },
      }),
      400,
      /more than the largest amount a trade can record/,
    );
    assert.equal((await stack.api('GET', '/trades', { token: buyer.token })).body.items.length, 0, 'no trade was recorded');
    assert.equal((await balance(seller)).held, '0');
  });
});
