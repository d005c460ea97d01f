import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setRole } from '@pupero/test-stack/login';
import { type OffersStack, sellOfferBody, startOffersStack } from '@pupero/test-stack/offers';

const IBAN = 'IBAN FR76 3000 6000 0112 3456 7890 189, Alice Martin';
const PAYPAL = 'paypal: bob-sells@example.test';
type User = { id: number; username: string; password: string; token: string };

/** How the buyer pays the seller: given by the seller, seen by that trade's buyer and nobody else. */
describe("the seller's payment details", () => {
  let stack: OffersStack;
  before(async () => {
    stack = await startOffersStack();
  });
  after(() => stack.close());

  const offerBody = (side: 'SELL' | 'BUY', extra: Record<string, unknown> = {}) => sellOfferBody({ side, maxAmount: '1', ...extra });
  const moderatorNamed = async (prefix: string): Promise<User> => {
    const user = (await stack.signUp(prefix)) as User;
    await setRole({ prisma: stack.login.prisma }, user.username, 'moderator');
    const session = await stack.api('POST', '/auth/login', { body: { identifier: user.username, password: user.password } });
    return { ...user, token: session.body.accessToken };
  };
  /** Every answer as text: the details must not appear anywhere in it. */
  const text = async (path: string, token?: string) => JSON.stringify((await stack.api('GET', path, { token })).body);

  it('are kept with a SELL offer, shown to its owner and to each trade buyer, never in the book, to another user or to a moderator before a dispute', async () => {
    const [seller, buyer, other] = (await Promise.all(['pds', 'pdb', 'pdo'].map((p) => stack.signUp(p)))) as User[];
    const moderator = await moderatorNamed('pdm');
    await stack.fund(seller!.id, '2');

    const created = await stack.api('POST', '/offers', { token: seller!.token, body: offerBody('SELL', { paymentDetails: IBAN }) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.paymentDetails, IBAN, 'the owner sees what buyers will see');
    const offerId = created.body.id;
    const mine = await stack.api('GET', '/me/offers', { token: seller!.token });
    assert.equal(mine.body.items.find((o: { id: number }) => o.id === offerId).paymentDetails, IBAN);
    for (const [path, token] of [
      ['/offers?fiatCurrency=EUR&side=SELL', undefined],
      ['/offers?fiatCurrency=EUR&side=SELL', other!.token],
      [`/offers/${offerId}`, undefined],
      [`/offers/${offerId}`, buyer!.token],
      [`/users/${seller!.username}`, other!.token],
    ] as const) {
      assert.doesNotMatch(await text(path, token), /FR76|paymentDetails/, `GET ${path} as ${token ? 'a user' : 'anonymous'}`);
    }

    const opened = await stack.api('POST', `/offers/${offerId}/trades`, {
      token: buyer!.token,
      body: { amount: '0.5', paymentMethod: 'SEPA' },
    });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    assert.equal(opened.body.paymentDetails, IBAN, 'the buyer is told how to pay');
    assert.deepEqual(
      [opened.body.buyerUsername, opened.body.sellerUsername],
      [buyer!.username, seller!.username],
      'each side sees who the other is',
    );
    const trade = `/trades/${opened.body.id}`;
    assert.equal((await stack.api('GET', trade, { token: buyer!.token })).body.paymentDetails, IBAN);
    assert.equal((await stack.api('GET', trade, { token: seller!.token })).body.paymentDetails, IBAN);
    const buyersList = await stack.api('GET', '/trades', { token: buyer!.token });
    assert.equal(buyersList.body.items[0].paymentDetails, IBAN);
    for (const user of [other!, moderator]) {
      const seen = await stack.api('GET', trade, { token: user.token });
      assert.equal(seen.status, 404, 'the trade does not exist for them');
      assert.doesNotMatch(JSON.stringify(seen.body), /FR76/);
      assert.doesNotMatch(await text('/trades', user.token), /FR76/);
    }
    assert.doesNotMatch(await text('/admin/disputes', moderator.token), /FR76/);

    // A dispute: the moderator now reads the whole trade, payment details included, to decide it.
    assert.equal((await stack.api('POST', `${trade}/paid`, { token: buyer!.token })).status, 200);
    const disputed = await stack.api('POST', `${trade}/dispute`, {
      token: buyer!.token,
      body: { reason: 'the seller says nothing arrived' },
    });
    assert.equal(disputed.status, 200, JSON.stringify(disputed.body));
    assert.equal((await stack.api('GET', trade, { token: moderator.token })).body.paymentDetails, IBAN);
    const queue = await stack.api('GET', '/admin/disputes', { token: moderator.token });
    assert.equal(queue.body.items.find((t: { id: number }) => t.id === opened.body.id).paymentDetails, IBAN);
    assert.equal((await stack.api('GET', trade, { token: other!.token })).status, 404, 'another user still sees nothing');
  });

  it("come from the seller: a BUY offer's taker gives them with the trade and may correct them until the money is sent", async () => {
    const [owner, taker] = (await Promise.all(['pbo', 'pbt'].map((p) => stack.signUp(p)))) as User[];
    await stack.fund(taker!.id, '2');
    const refused = await stack.api('POST', '/offers', { token: owner!.token, body: offerBody('BUY', { paymentDetails: IBAN }) });
    assert.equal(refused.status, 400);
    assert.deepEqual(
      refused.body.details.map((d: { path: string }) => d.path),
      ['body.paymentDetails'],
    );
    const offer = await stack.api('POST', '/offers', { token: owner!.token, body: offerBody('BUY') });
    assert.equal(offer.status, 201, JSON.stringify(offer.body));
    assert.equal(offer.body.paymentDetails, null);

    const opened = await stack.api('POST', `/offers/${offer.body.id}/trades`, {
      token: taker!.token,
      body: { amount: '0.5', paymentMethod: 'SEPA', paymentDetails: PAYPAL },
    });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    const trade = `/trades/${opened.body.id}`;
    assert.equal((await stack.api('GET', trade, { token: owner!.token })).body.paymentDetails, PAYPAL, 'the owner buys: it pays there');
    assert.equal(opened.body.awaiting, 'BUYER', 'details given: the buyer pays next');

    const corrected = await stack.api('PUT', `${trade}/payment-details`, { token: taker!.token, body: { paymentDetails: IBAN } });
    assert.equal(corrected.status, 200, JSON.stringify(corrected.body));
    assert.equal(corrected.body.paymentDetails, IBAN);
    const byBuyer = await stack.api('PUT', `${trade}/payment-details`, { token: owner!.token, body: { paymentDetails: PAYPAL } });
    assert.equal(byBuyer.status, 403, 'only the seller says where to be paid');
    assert.equal((await stack.api('POST', `${trade}/paid`, { token: owner!.token })).status, 200);
    const open = await stack.api('GET', '/trades?open=true', { token: taker!.token });
    assert.deepEqual(
      open.body.items.map((t: { id: number; awaiting: string }) => [t.id, t.awaiting]),
      [[opened.body.id, 'SELLER']],
      "the seller's move: release",
    );
    const late = await stack.api('PUT', `${trade}/payment-details`, { token: taker!.token, body: { paymentDetails: PAYPAL } });
    assert.equal(late.status, 409, 'not once the buyer has paid to the details it saw');
    assert.equal((await stack.api('GET', trade, { token: owner!.token })).body.paymentDetails, IBAN);
  });

  it('a buyer has none to give, and a SELL offer turned BUY drops its details', async () => {
    const [seller, buyer] = (await Promise.all(['pss', 'psb'].map((p) => stack.signUp(p)))) as User[];
    await stack.fund(seller!.id, '2');
    const offer = await stack.api('POST', '/offers', { token: seller!.token, body: offerBody('SELL', { paymentDetails: IBAN }) });
    const buyerGives = await stack.api('POST', `/offers/${offer.body.id}/trades`, {
      token: buyer!.token,
      body: { amount: '0.5', paymentMethod: 'SEPA', paymentDetails: PAYPAL },
    });
    assert.equal(buyerGives.status, 422);
    assert.match(buyerGives.body.message, /You are the buyer here/);
    const turned = await stack.api('PATCH', `/offers/${offer.body.id}`, { token: seller!.token, body: { side: 'BUY' } });
    assert.equal(turned.status, 200, JSON.stringify(turned.body));
    assert.equal(turned.body.paymentDetails, null);
    const both = await stack.api('PATCH', `/offers/${offer.body.id}`, { token: seller!.token, body: { paymentDetails: PAYPAL } });
    assert.equal(both.status, 400, 'details on a BUY offer');
  });

  it('say whose move it is: a seller who gave no details is asked for them, and finished trades leave the open list', async () => {
    const [seller, buyer] = (await Promise.all(['pws', 'pwb'].map((p) => stack.signUp(p)))) as User[];
    await stack.fund(seller!.id, '2');
    const offer = await stack.api('POST', '/offers', { token: seller!.token, body: offerBody('SELL') });
    const opened = await stack.api('POST', `/offers/${offer.body.id}/trades`, {
      token: buyer!.token,
      body: { amount: '0.5', paymentMethod: 'SEPA' },
    });
    assert.equal(opened.body.awaiting, 'SELLER', 'no details yet: the seller must say where to be paid');
    const open = async (user: User) =>
      (await stack.api('GET', '/trades?open=true', { token: user.token })).body.items.map((t: { id: number }) => t.id);
    assert.deepEqual(await open(seller!), [opened.body.id], 'the seller sees the new trade among its open ones');
    const given = await stack.api('PUT', `/trades/${opened.body.id}/payment-details`, {
      token: seller!.token,
      body: { paymentDetails: IBAN },
    });
    assert.equal(given.body.awaiting, 'BUYER');
    await stack.api('POST', `/trades/${opened.body.id}/cancel`, { token: buyer!.token });
    assert.deepEqual(await open(buyer!), [], 'a cancelled trade is not open');
    const all = await stack.api('GET', '/trades', { token: buyer!.token });
    assert.equal(all.body.items[0].awaiting, null);
  });
});
