import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { oathtoolCode } from '@pupero/shared/testing';
import { type OffersStack, sellOfferBody, startOffersStack, TEST_PAYMENT_DETAILS } from '@pupero/test-stack/offers';
import { runTradeJobs } from './domain/trades/jobs.ts';

let now = Date.now();
const later = (minutes: number) => {
  now += minutes * 60_000;
};

describe('trades through the gateway, with escrow in the real ledger', () => {
  let stack: OffersStack;
  before(async () => {
    // These trades are between new accounts for more than the new-taker ceiling (trade-limits.test.ts covers it).
    stack = await startOffersStack({ now: () => new Date(now), env: { SELLER_RESPONSE_MINUTES: '60', TRADE_NEW_TAKER_MAX_XMR: '100' } });
  });
  after(() => stack.close());

  const balance = async (user: { id: number; token: string }) =>
    (await stack.api('GET', `/balances/${user.id}`, { token: user.token })).body;
  const sellOffer = async (seller: { token: string }, overrides: Record<string, unknown> = {}) => {
    const res = await stack.api('POST', '/offers', {
      token: seller.token,
      body: sellOfferBody({ paymentDetails: TEST_PAYMENT_DETAILS, ...overrides }),
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };
  const parties = async (fund = '10') => {
    const [seller, buyer] = [await stack.signUp('se'), await stack.signUp('bu')];
    await stack.fund(seller.id, fund);
    return { seller, buyer, offer: await sellOffer(seller) };
  };
  const open = async (offerId: number, taker: { token: string }, amount = '2') =>
    stack.api('POST', `/offers/${offerId}/trades`, { token: taker.token, body: { amount, paymentMethod: 'SEPA' } });

  it('opens with escrow, is paid and released: the buyer gets exactly the amount, each state once', async () => {
    const { seller, buyer, offer } = await parties();
    const opened = await open(offer.id, buyer);
    assert.equal(opened.status, 201);
    assert.deepEqual(
      {
        state: opened.body.state,
        buyerId: opened.body.buyerId,
        sellerId: opened.body.sellerId,
        amount: opened.body.amount,
        price: opened.body.price,
        fiatAmount: opened.body.fiatAmount,
      },
      { state: 'AWAITING_PAYMENT', buyerId: buyer.id, sellerId: seller.id, amount: '2', price: '150.00', fiatAmount: '300.00' },
    );
    assert.deepEqual(
      await balance(seller),
      { userId: seller.id, available: '8', held: '2', total: '10' },
      'held at the moment the trade opens',
    );

    const paid = await stack.api('POST', `/trades/${opened.body.id}/paid`, { token: buyer.token });
    assert.equal(paid.body.state, 'PAYMENT_SENT');
    assert.equal(
      (await stack.api('POST', `/trades/${opened.body.id}/paid`, { token: seller.token })).status,
      403,
      'only the buyer says "money sent"',
    );
    assert.equal(
      (await stack.api('POST', `/trades/${opened.body.id}/release`, { token: buyer.token, body: {} })).status,
      403,
      'only the seller releases',
    );
    const released = await stack.api('POST', `/trades/${opened.body.id}/release`, { token: seller.token, body: {} });
    assert.equal(released.status, 200, JSON.stringify(released.body));
    assert.equal(released.body.state, 'COMPLETED');
    assert.deepEqual(await balance(buyer), { userId: buyer.id, available: '2', held: '0', total: '2' });
    assert.deepEqual(await balance(seller), { userId: seller.id, available: '8', held: '0', total: '8' });
    const again = await stack.api('POST', `/trades/${opened.body.id}/release`, { token: seller.token, body: {} });
    assert.equal(again.body.state, 'COMPLETED');
    assert.equal((await balance(buyer)).total, '2', 'a second release moves nothing');
  });

  it('refuses a trade the seller cannot cover, and amounts outside the limits', async () => {
    const { buyer, offer } = await parties('1');
    const short = await open(offer.id, buyer, '2');
    assert.equal(short.status, 422);
    assert.equal(short.body.code, 'INSUFFICIENT_FUNDS');
    assert.equal((await open(offer.id, buyer, '6')).status, 422);
    assert.equal((await open(offer.id, buyer, '0.01')).status, 422);
    assert.equal((await stack.api('GET', '/trades', { token: buyer.token })).body.items.length, 0, 'no trade was left behind');
  });

  it('moves the funds once under twenty concurrent release clicks', async () => {
    const { seller, buyer, offer } = await parties();
    const trade = (await open(offer.id, buyer, '3')).body;
    await stack.api('POST', `/trades/${trade.id}/paid`, { token: buyer.token });
    const clicks = await Promise.all(
      Array.from({ length: 20 }, () => stack.api('POST', `/trades/${trade.id}/release`, { token: seller.token, body: {} })),
    );
    for (const click of clicks) assert.equal(click.body.state, 'COMPLETED', JSON.stringify(click.body));
    assert.equal((await balance(buyer)).total, '3');
    assert.equal((await balance(seller)).total, '7');
    const [posts] = await stack.deps.pool.query("SELECT COUNT(*) AS n FROM transfers WHERE kind = 'HOLD_POST' AND reference = ?", [
      `svc:offers:trade:${trade.id}`,
    ]);
    assert.equal(Number(posts.n), 1);
  });

  it('lets exactly one of "paid" and "cancel" win when they race, and the escrow follows the winner', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { seller, buyer, offer } = await parties();
      const trade = (await open(offer.id, buyer, '1')).body;
      const [paid, cancelled] = await Promise.all([
        stack.api('POST', `/trades/${trade.id}/paid`, { token: buyer.token }),
        stack.api('POST', `/trades/${trade.id}/cancel`, { token: buyer.token }),
      ]);
      assert.deepEqual([paid.status, cancelled.status].sort(), [200, 409], `${paid.status} ${cancelled.status}`);
      const final = (await stack.api('GET', `/trades/${trade.id}`, { token: buyer.token })).body;
      const held = (await balance(seller)).held;
      assert.equal(held, final.state === 'PAYMENT_SENT' ? '1' : '0', `${final.state} with ${held} held`);
    }
  });

  it('expires an unpaid trade (two workers at once) and voids its hold; the seller may cancel only after the window', async () => {
    const { seller, buyer, offer } = await parties();
    const trade = (await open(offer.id, buyer, '2')).body;
    assert.equal((await stack.api('POST', `/trades/${trade.id}/cancel`, { token: seller.token })).status, 409, 'the buyer still has time');
    later(31);
    assert.equal((await stack.api('POST', `/trades/${trade.id}/paid`, { token: buyer.token })).status, 409, 'too late to pay');
    const [a, b] = await Promise.all([runTradeJobs(stack.offers), runTradeJobs(stack.offers)]);
    assert.equal(a.expired + b.expired, 1, 'one worker expired it');
    const final = (await stack.api('GET', `/trades/${trade.id}`, { token: seller.token })).body;
    assert.equal(final.state, 'CANCELLED');
    assert.equal(final.cancelReason, 'PAYMENT_WINDOW_EXPIRED');
    assert.deepEqual(await balance(seller), { userId: seller.id, available: '10', held: '0', total: '10' });
    const [voids] = await stack.deps.pool.query('SELECT state FROM holds WHERE hold_key = ?', [`svc:offers:trade:${trade.id}`]);
    assert.equal(voids.state, 'VOIDED');
  });

  it('cancel by the buyer voids the hold', async () => {
    const { seller, buyer, offer } = await parties();
    const trade = (await open(offer.id, buyer, '4')).body;
    const cancelled = await stack.api('POST', `/trades/${trade.id}/cancel`, { token: buyer.token });
    assert.equal(cancelled.body.state, 'CANCELLED');
    assert.deepEqual(await balance(seller), { userId: seller.id, available: '10', held: '0', total: '10' });
    assert.equal(
      (await stack.api('POST', `/trades/${trade.id}/release`, { token: seller.token })).status,
      409,
      'no body at all is fine too',
    );
  });

  it('finishes an escrow left behind: a cancelled trade whose hold was never recorded gets it voided', async () => {
    const { seller, buyer, offer } = await parties();
    const trade = (await open(offer.id, buyer, '2')).body;
    // As if the process had died between placing the hold and recording it, then the trade expired.
    await stack.offers.pool.query(
      "UPDATE trades SET escrow = 'NONE', hold_id = NULL, state = 'CANCELLED', cancel_reason = 'PAYMENT_WINDOW_EXPIRED' WHERE id = ?",
      [trade.id],
    );
    assert.equal((await balance(seller)).held, '2');
    await runTradeJobs(stack.offers);
    assert.deepEqual(await balance(seller), { userId: seller.id, available: '10', held: '0', total: '10' });
    const [row] = await stack.offers.pool.query('SELECT escrow FROM trades WHERE id = ?', [trade.id]);
    assert.equal(row.escrow, 'VOIDED');
  });

  it('resolves disputes both ways, and turns a paid trade the seller ignores into a dispute', async () => {
    const moderator = await stack.signUp('mo');
    const modToken = await stack.makeAdmin(moderator.username, moderator.password);
    for (const winner of ['BUYER', 'SELLER'] as const) {
      const { seller, buyer, offer } = await parties();
      const trade = (await open(offer.id, buyer, '2')).body;
      assert.equal(
        (await stack.api('POST', `/trades/${trade.id}/dispute`, { token: buyer.token, body: { reason: 'too early' } })).status,
        409,
        'not before "money sent"',
      );
      await stack.api('POST', `/trades/${trade.id}/paid`, { token: buyer.token });
      assert.equal(
        (await stack.api('GET', `/trades/${trade.id}`, { token: modToken })).status,
        404,
        'a moderator sees it only once disputed',
      );
      const disputed = await stack.api('POST', `/trades/${trade.id}/dispute`, {
        token: seller.token,
        body: { reason: 'no money arrived' },
      });
      assert.equal(disputed.body.state, 'DISPUTED');
      const list = (await stack.api('GET', '/admin/disputes', { token: modToken })).body.items.map((t: { id: number }) => t.id);
      assert.ok(list.includes(trade.id));
      assert.equal(
        (await stack.api('POST', `/admin/disputes/${trade.id}/resolve`, { token: buyer.token, body: { winner: 'BUYER', note: 'mine' } }))
          .status,
        403,
      );
      const resolved = await stack.api('POST', `/admin/disputes/${trade.id}/resolve`, {
        token: modToken,
        body: { winner, note: `evidence favours the ${winner}` },
      });
      assert.equal(resolved.body.state, 'RESOLVED');
      assert.equal(resolved.body.resolution, winner);
      assert.equal((await balance(buyer)).total, winner === 'BUYER' ? '2' : '0');
      assert.deepEqual(await balance(seller), {
        userId: seller.id,
        available: winner === 'BUYER' ? '8' : '10',
        held: '0',
        total: winner === 'BUYER' ? '8' : '10',
      });
      const again = await stack.api('POST', `/admin/disputes/${trade.id}/resolve`, {
        token: modToken,
        body: { winner: winner === 'BUYER' ? 'SELLER' : 'BUYER', note: 'changed my mind' },
      });
      assert.equal(again.status, 409, 'a dispute is decided once');
    }
    const { buyer, offer } = await parties();
    const trade = (await open(offer.id, buyer, '1')).body;
    await stack.api('POST', `/trades/${trade.id}/paid`, { token: buyer.token });
    later(61);
    await runTradeJobs(stack.offers);
    const auto = (await stack.api('GET', `/trades/${trade.id}`, { token: buyer.token })).body;
    assert.equal(auto.state, 'DISPUTED');
    assert.match(auto.disputeReason, /did not answer/);
    const audited = await stack.login.prisma.auditLog.count({ where: { action: 'DISPUTE_RESOLVED', actorId: moderator.id } });
    assert.equal(audited, 2);
  });

  it("keeps a third user out of the trade, its chat, and another's offer", async () => {
    const { seller, buyer, offer } = await parties();
    const stranger = await stack.signUp('st');
    const trade = (await open(offer.id, buyer, '1')).body;
    assert.equal(
      (await stack.api('POST', `/trades/${trade.id}/messages`, { token: buyer.token, body: { body: 'sending the SEPA transfer now' } }))
        .status,
      201,
    );
    for (const [method, path, body] of [
      ['GET', `/trades/${trade.id}`],
      ['GET', `/trades/${trade.id}/messages`],
      ['POST', `/trades/${trade.id}/messages`, { body: 'hello' }],
      ['POST', `/trades/${trade.id}/paid`],
      ['POST', `/trades/${trade.id}/cancel`],
      ['POST', `/trades/${trade.id}/release`, {}],
      ['POST', `/trades/${trade.id}/dispute`, { reason: 'not mine at all' }],
      ['PATCH', `/offers/${offer.id}`, { terms: 'hijacked' }],
      ['DELETE', `/offers/${offer.id}`],
    ] as [string, string, unknown?][]) {
      const res = await stack.api(method, path, { token: stranger.token, ...(body ? { body } : {}) });
      assert.equal(res.status, 404, `${method} ${path} → ${res.status}`);
    }
    const messages = (await stack.api('GET', `/trades/${trade.id}/messages`, { token: seller.token })).body.items;
    assert.deepEqual(
      messages.map((m: { body: string }) => m.body),
      ['sending the SEPA transfer now'],
    );
    assert.equal((await stack.api('GET', `/trades/${trade.id}`, { token: buyer.token })).body.state, 'AWAITING_PAYMENT');
    assert.equal((await stack.api('GET', `/offers/${offer.id}`)).body.terms ?? null, null);
  });

  it('refuses to delete an account that still holds coins or is in a trade, and closes its offers when it goes', async () => {
    const { seller, buyer, offer } = await parties();
    const trade = (await open(offer.id, buyer, '1')).body;
    const refused = await stack.api('DELETE', '/auth/me', { token: seller.token, body: { password: seller.password } });
    assert.equal(refused.status, 409);
    assert.equal(
      (await stack.api('DELETE', '/auth/me', { token: buyer.token, body: { password: buyer.password } })).status,
      409,
      'an open trade',
    );
    await stack.api('POST', `/trades/${trade.id}/cancel`, { token: buyer.token });
    assert.equal(
      (await stack.api('DELETE', '/auth/me', { token: buyer.token, body: { password: buyer.password } })).status,
      204,
      'nothing open, no coins',
    );
    const owner = await stack.signUp('ow');
    const own = await sellOffer(owner);
    assert.equal((await stack.api('DELETE', '/auth/me', { token: owner.token, body: { password: owner.password } })).status, 204);
    const [row] = await stack.offers.pool.query('SELECT status FROM offers WHERE id = ?', [own.id]);
    assert.equal(row.status, 'CLOSED');
  });

  it('asks the seller for the TOTP code on release when 2FA is on, and takes feedback once per party', async () => {
    const { seller, buyer, offer } = await parties();
    const { secret } = (await stack.api('POST', '/auth/2fa/enable', { token: seller.token, body: { password: seller.password } })).body;
    const t0 = Math.floor(Date.now() / 1000);
    await stack.api('POST', '/auth/2fa/confirm', {
      token: seller.token,
      body: { password: seller.password, totp: await oathtoolCode(secret, t0) },
    });
    const trade = (await open(offer.id, buyer, '1')).body;
    await stack.api('POST', `/trades/${trade.id}/paid`, { token: buyer.token });
    const noCode = await stack.api('POST', `/trades/${trade.id}/release`, { token: seller.token, body: {} });
    assert.equal(noCode.body.code, 'TOTP_REQUIRED');
    const released = await stack.api('POST', `/trades/${trade.id}/release`, {
      token: seller.token,
      body: { totp: await oathtoolCode(secret, t0 + 30) },
    });
    assert.equal(released.body.state, 'COMPLETED');
    const feedback = await stack.api('POST', `/trades/${trade.id}/feedback`, {
      token: buyer.token,
      body: { rating: 'POSITIVE', comment: 'fast release' },
    });
    assert.equal(feedback.status, 201);
    const given = async (who: { token: string }) =>
      (await stack.api('GET', `/trades/${trade.id}`, { token: who.token })).body.feedbackGiven;
    assert.deepEqual([await given(buyer), await given(seller)], [true, false], 'each party sees whether it has rated');
    assert.equal(
      (await stack.api('POST', `/trades/${trade.id}/feedback`, { token: buyer.token, body: { rating: 'NEGATIVE' } })).status,
      409,
    );
    assert.equal(
      (await stack.api('POST', `/trades/${trade.id}/feedback`, { token: seller.token, body: { rating: 'NEUTRAL' } })).status,
      201,
    );
  });
});
