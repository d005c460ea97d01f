import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type JsonClient, jsonClient } from '@pupero/shared/testing';
import { type OffersStack, startOffersStack } from '@pupero/test-stack/offers';

type State = 'AWAITING_PAYMENT' | 'PAYMENT_SENT' | 'COMPLETED' | 'CANCELLED' | 'DISPUTED' | 'RESOLVED';

describe('public trader profiles', () => {
  let stack: OffersStack;
  let offers: JsonClient;
  before(async () => {
    stack = await startOffersStack();
    offers = jsonClient(stack.offersUrl);
  });
  after(() => stack.close());

  /** A trade row as the trade engine leaves it; `releasedAfter` minutes between "money sent" and the release. */
  async function trade(sellerId: number, buyerId: number, state: State, releasedAfter?: number): Promise<number> {
    const paidAt = new Date(Date.now() - 86_400_000);
    const completedAt = releasedAfter === undefined ? null : new Date(paidAt.getTime() + releasedAfter * 60_000);
    const inserted = await stack.offers.pool.query(
      `INSERT INTO trades (offer_id, buyer_id, seller_id, amount, price, fiat_amount, fiat_currency, payment_method, state,
         payment_deadline, paid_at, completed_at)
       VALUES (1, ?, ?, 1000000000000, '150', '150', 'EUR', 'SEPA', ?, ?, ?, ?)`,
      [buyerId, sellerId, state, paidAt, state === 'AWAITING_PAYMENT' ? null : paidAt, completedAt],
    );
    return Number(inserted.insertId);
  }

  async function feedback(tradeId: number, fromUserId: number, toUserId: number, rating: 'POSITIVE' | 'NEUTRAL' | 'NEGATIVE') {
    await stack.offers.pool.query('INSERT INTO feedback (trade_id, from_user_id, to_user_id, rating) VALUES (?, ?, ?, ?)', [
      tradeId,
      fromUserId,
      toUserId,
      rating,
    ]);
  }

  it('sums completed trades and feedback, and the median release time of completed sales', async () => {
    const alice = await stack.signUp('alice');
    const bob = await stack.signUp('bob');
    const carol = await stack.signUp('carol');
    // Alice sells four times (released after 10, 45, 20 and 30 minutes) and buys once.
    const sales = [];
    for (const minutes of [10, 45, 20, 30]) sales.push(await trade(alice.id, minutes < 25 ? bob.id : carol.id, 'COMPLETED', minutes));
    const purchase = await trade(bob.id, alice.id, 'COMPLETED', 3);
    // None of these count: not completed (a moderator's resolution is not a completed trade either).
    await trade(alice.id, bob.id, 'RESOLVED', 600);
    await trade(alice.id, bob.id, 'CANCELLED');
    await trade(alice.id, carol.id, 'PAYMENT_SENT');
    await trade(alice.id, carol.id, 'AWAITING_PAYMENT');
    await trade(alice.id, carol.id, 'DISPUTED');
    await feedback(sales[0]!, bob.id, alice.id, 'POSITIVE');
    await feedback(sales[1]!, carol.id, alice.id, 'POSITIVE');
    await feedback(sales[2]!, bob.id, alice.id, 'NEUTRAL');
    await feedback(sales[3]!, carol.id, alice.id, 'NEGATIVE');
    await feedback(purchase, alice.id, bob.id, 'NEGATIVE');
    await feedback(sales[0]!, alice.id, bob.id, 'POSITIVE');

    const [row] = await stack.offers.pool.query('SELECT created_at AS createdAt FROM users WHERE id = ?', [alice.id]);
    const profile = await offers('GET', `/users/${alice.username}`);
    assert.equal(profile.status, 200);
    assert.deepEqual(profile.body, {
      username: alice.username,
      memberSince: row.createdAt.toISOString(),
      tradesCompleted: 5,
      feedback: { positive: 2, neutral: 1, negative: 1 },
      medianReleaseMinutes: 25,
    });
    const bobs = await offers('GET', `/users/${bob.username}`);
    assert.deepEqual(
      { ...bobs.body, memberSince: undefined },
      {
        username: bob.username,
        memberSince: undefined,
        tradesCompleted: 3,
        feedback: { positive: 1, neutral: 0, negative: 1 },
        medianReleaseMinutes: 3,
      },
      'two purchases from Alice and one sale to her',
    );
    const carols = await offers('GET', `/users/${carol.username}`);
    assert.equal(carols.body.tradesCompleted, 2);
    assert.equal(carols.body.medianReleaseMinutes, null, 'no sales yet');

    // The owner's summary on the offer, in a single offer and in a list page.
    const offer = await offers('POST', '/offers', {
      token: alice.token,
      body: {
        side: 'SELL',
        fiatCurrency: 'SEK',
        paymentMethods: ['SEPA'],
        priceType: 'FIXED',
        fixedPrice: '1700',
        minAmount: '0.1',
        maxAmount: '1',
        paymentWindowMinutes: 30,
      },
    });
    const owner = { username: alice.username, tradesCompleted: 5, positive: 2, neutral: 1, negative: 1 };
    assert.deepEqual(offer.body.owner, owner);
    assert.deepEqual((await offers('GET', `/offers/${offer.body.id}`)).body.owner, owner);
    const listed = await offers('GET', '/offers?fiatCurrency=SEK');
    assert.deepEqual(
      listed.body.items.map((o: { owner: unknown }) => o.owner),
      [owner],
    );
  });

  it('answers 404 for an unknown user and 400 for a name that cannot exist, without a token', async () => {
    const missing = await offers('GET', '/users/nobody_at_all');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { statusCode: 404, code: 'NOT_FOUND', message: 'No such user' });
    assert.equal((await offers('GET', '/users/no-such-name!')).status, 400);
    const fresh = await stack.signUp('new');
    const profile = await offers('GET', `/users/${fresh.username}`);
    assert.deepEqual(
      { ...profile.body, memberSince: undefined },
      {
        username: fresh.username,
        memberSince: undefined,
        tradesCompleted: 0,
        feedback: { positive: 0, neutral: 0, negative: 0 },
        medianReleaseMinutes: null,
      },
    );
    assert.ok(Math.abs(Date.parse(profile.body.memberSince) - Date.now()) < 60_000);
  });
});
