import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type OffersStack, sellOfferBody, startOffersStack, TEST_PAYMENT_DETAILS } from '@pupero/test-stack/offers';
import { runTradeJobs } from './domain/trades/jobs.ts';

let now = Date.now();

/** When "money sent" is refused and why, and the dispute a seller who never answers gets. */
describe('the rules around "money sent"', () => {
  let stack: OffersStack;
  before(async () => {
    stack = await startOffersStack({ now: () => new Date(now), env: { SELLER_RESPONSE_MINUTES: '120' } });
  });
  after(() => stack.close());

  const tradeOf = async (offer: Record<string, unknown> = { paymentDetails: TEST_PAYMENT_DETAILS }) => {
    const [seller, buyer] = [await stack.signUp('rs'), await stack.signUp('rb')];
    await stack.fund(seller.id, '2');
    const created = await stack.api('POST', '/offers', { token: seller.token, body: sellOfferBody({ maxAmount: '1', ...offer }) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const opened = await stack.api('POST', `/offers/${created.body.id}/trades`, {
      token: buyer.token,
      body: { amount: '0.5', paymentMethod: 'SEPA' },
    });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    return { seller, buyer, trade: opened.body as { id: number } };
  };
  const paid = (trade: { id: number }, buyer: { token: string }) => stack.api('POST', `/trades/${trade.id}/paid`, { token: buyer.token });
  const read = async (trade: { id: number }, user: { token: string }) =>
    (await stack.api('GET', `/trades/${trade.id}`, { token: user.token })).body;

  it('refuses "money sent" before the seller has said where to pay, with its own reason', async () => {
    const { seller, buyer, trade } = await tradeOf({});
    const refused = await paid(trade, buyer);
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.details?.reason, 'payment-details-missing');
    assert.match(refused.body.message, /payment details/);
    assert.equal((await read(trade, buyer)).state, 'AWAITING_PAYMENT');
    await stack.api('PUT', `/trades/${trade.id}/payment-details`, { token: seller.token, body: { paymentDetails: TEST_PAYMENT_DETAILS } });
    assert.equal((await paid(trade, buyer)).status, 200, 'once given, the buyer pays');
    await stack.api('POST', `/trades/${trade.id}/release`, { token: seller.token, body: {} });
  });

  it('says the escrow is not held yet (not "awaiting payment") when the hold is not recorded', async () => {
    const { buyer, trade } = await tradeOf();
    // As if the hold had been placed but not yet recorded on the trade.
    await stack.offers.pool.query("UPDATE trades SET escrow = 'NONE' WHERE id = ?", [trade.id]);
    const refused = await paid(trade, buyer);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.details?.reason, 'escrow-not-held');
    assert.match(refused.body.message, /escrow/);
    assert.doesNotMatch(refused.body.message, /awaiting payment/);
  });

  it('disputes a paid trade the seller leaves unanswered past the time, once, and says when it will', async () => {
    const late = await tradeOf();
    const early = await tradeOf({ paymentDetails: TEST_PAYMENT_DETAILS, paymentWindowMinutes: 90 });
    assert.equal((await read(late.trade, late.buyer)).autoDisputeAt, null, 'not before "money sent"');
    assert.equal((await paid(late.trade, late.buyer)).status, 200);
    const paidAt = now;
    now += 60 * 60_000;
    assert.equal((await paid(early.trade, early.buyer)).status, 200);
    const view = await read(late.trade, late.seller);
    assert.equal(view.autoDisputeAt, new Date(paidAt + 120 * 60_000).toISOString());

    now += 61 * 60_000;
    const [a, b] = await Promise.all([runTradeJobs(stack.offers), runTradeJobs(stack.offers)]);
    assert.equal(a.disputed + b.disputed, 1, 'one trade, disputed by one worker');
    const disputed = await read(late.trade, late.buyer);
    assert.equal(disputed.state, 'DISPUTED');
    assert.equal(disputed.awaiting, 'MODERATOR');
    assert.equal(disputed.autoDisputeAt, null);
    assert.match(disputed.disputeReason, /did not answer/);
    assert.equal((await read(early.trade, early.buyer)).state, 'PAYMENT_SENT', 'the one paid an hour later still has time');
    assert.equal((await runTradeJobs(stack.offers)).disputed, 0, 'never twice');
  });
});
