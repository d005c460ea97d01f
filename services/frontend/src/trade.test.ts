import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type Browser,
  type BrowserStack,
  logIn,
  type Page,
  screenshot,
  startBrowserStack,
  type TestFrontend,
} from '@pupero/test-stack/frontend';
import { ADDRESS } from '@pupero/test-stack/ledger';
import { type OffersStack, tradeOnNewOffer } from '@pupero/test-stack/offers';

/**
 * A whole trade in two real browsers: Chromium → the real frontend → the real gateway → the real
 * login, offers and transactions services (with escrow in the real ledger), on a fresh database.
 * There is no wallet manager here (it needs a regtest chain): the deposit part of the wallet page
 * must say it is unavailable, and money comes in as the offers tests fund a seller, through the
 * ledger's /deposits/credit with a wallet-manager service token.
 */
describe('a trade in the browser', () => {
  let web: BrowserStack;
  let stack: OffersStack;
  let frontend: TestFrontend;
  let browser: Browser;
  before(async () => {
    // A new buyer here trades 2 XMR (above the default new-taker ceiling), and one test fills a chat fast.
    web = await startBrowserStack({ env: { TRADE_NEW_TAKER_MAX_XMR: '10', CHAT_MESSAGES_PER_MINUTE: '1000' } });
    ({ stack, frontend, browser } = web);
  });
  after(() => web?.close());

  const balances = async (page: Page) => {
    await page.goto(`${frontend.url}/wallet`);
    const read = (name: string) => page.textContent(`[data-balance=${name}]`);
    return { available: await read('available'), held: await read('held'), total: await read('total') };
  };
  const signUp = (prefix: string) => web.signUp(prefix);

  it('a seller posts an offer, a buyer opens a trade and pays, the seller releases: the wallets show exactly that', async () => {
    const seller = await signUp('seller');
    await stack.fund(seller.id, '10');
    const { page: sp } = seller;
    await sp.goto(`${frontend.url}/my/offers/new`);
    await sp.check('input[name=side][value=SELL]');
    await sp.selectOption('select[name=fiatCurrency]', 'EUR');
    await sp.check('input[name=paymentMethods][value=SEPA]');
    await sp.check('input[name=paymentMethods][value=REVOLUT]');
    await sp.fill('input[name=fixedPrice]', '150.00');
    await sp.fill('input[name=minAmount]', '0.1');
    await sp.fill('input[name=maxAmount]', '5');
    await sp.fill('input[name=paymentWindowMinutes]', '30');
    await sp.fill('textarea[name=terms]', 'SEPA only from an account in your own name.');
    await sp.fill('textarea[name=paymentDetails]', 'IBAN FR76 3000 6000 0112 3456 7890 189');
    await screenshot(sp, 'offer-new');
    await sp.click('button:has-text("Publish offer")');
    await sp.waitForURL(`${frontend.url}/my/offers`);
    assert.match((await sp.textContent('.notice.ok')) ?? '', /is live/);
    await screenshot(sp, 'my-offers');

    const buyer = await signUp('buyer');
    const { page: bp } = buyer;
    await bp.goto(`${frontend.url}/?side=SELL&currency=EUR&method=SEPA`);
    await screenshot(bp, 'offer-book');
    const row = bp.locator('li.offer', { hasText: seller.person.username });
    assert.match((await row.textContent()) ?? '', /150\.00 EUR/, 'the price is shown');
    await row.locator('a.button').click();
    await bp.waitForURL(/\/offers\/\d+$/);

    await bp.fill('input[name=amount]', '6');
    await bp.click('button:has-text("Buy XMR")');
    assert.match((await bp.textContent('.notice.error')) ?? '', /between 0\.1 and 5 XMR/, 'the gateway refusal is on the form');
    assert.equal(await bp.inputValue('input[name=amount]'), '6', 'the input is kept');
    await screenshot(bp, 'offer-error');

    await bp.fill('input[name=amount]', '2');
    assert.equal(await bp.textContent('[data-fiat-preview]'), '≈ 300.00 EUR');
    await bp.click('button:has-text("Buy XMR")');
    await bp.waitForURL(/\/trades\/\d+$/);
    const tradeUrl = bp.url();
    assert.equal(await bp.textContent('[data-trade-state]'), 'Awaiting payment');
    assert.match((await bp.textContent('.facts')) ?? '', /300\.00 EUR/);
    assert.deepEqual(await balances(sp), { available: '8', held: '2', total: '10' }, 'held in escrow from the start');

    await bp.goto(tradeUrl);
    await bp.fill('input[name=body]', 'Paying now by SEPA.');
    await bp.click('button:has-text("Send")');
    await bp.click('[data-action=paid]');
    await bp.waitForURL(tradeUrl);
    assert.equal(await bp.textContent('[data-trade-state]'), 'Payment sent');
    await screenshot(bp, 'trade-buyer-paid');

    await sp.goto(tradeUrl);
    assert.match((await sp.textContent('.chat')) ?? '', /Paying now by SEPA\./);
    await screenshot(sp, 'trade-seller-release');
    await sp.click('[data-action=release]');
    await sp.waitForURL(tradeUrl);
    assert.equal(await sp.textContent('[data-trade-state]'), 'Completed');
    await sp.check('input[name=rating][value=POSITIVE]');
    await sp.click('button:has-text("Leave feedback")');
    assert.match((await sp.textContent('.notice.ok')) ?? '', /Thank you/);

    assert.deepEqual(await balances(sp), { available: '8', held: '0', total: '8' });
    assert.deepEqual(await balances(bp), { available: '2', held: '0', total: '2' });
    assert.match((await bp.textContent('[data-table=history]')) ?? '', /\+2 XMR/);
    await screenshot(bp, 'wallet-buyer');
    await bp.goto(`${frontend.url}/trades`);
    assert.match((await bp.textContent('table')) ?? '', /Completed/);
    await bp.goto(`${frontend.url}/users/${seller.person.username}`);
    assert.match((await bp.textContent('main')) ?? '', /Completed trades\s*1/);
    await screenshot(bp, 'user-profile');
    await seller.context.close();
    await buyer.context.close();
  });

  it("shows an offer's minimum reputation and refuses a new taker; a moderator reads every message of a disputed trade", async () => {
    const owner = await signUp('picky');
    await stack.fund(owner.id, '5');
    const { page: op } = owner;
    await op.goto(`${frontend.url}/my/offers/new`);
    await op.check('input[name=paymentMethods][value=SEPA]');
    await op.fill('input[name=fixedPrice]', '150');
    await op.fill('input[name=minAmount]', '0.1');
    await op.fill('input[name=maxAmount]', '1');
    await op.fill('input[name=minTakerCompletedTrades]', '2');
    await op.click('button:has-text("Publish offer")');
    await op.waitForURL(`${frontend.url}/my/offers`);
    const [{ id: offerId }] = await stack.offers.pool.query('SELECT id FROM offers WHERE owner_id = ?', [owner.id]);
    const newcomer = await signUp('newbie');
    const { page: np } = newcomer;
    await np.goto(`${frontend.url}/offers/${offerId}`);
    assert.equal(await np.textContent('[data-min-taker-trades]'), 'Only people with at least 2 completed trades');
    await np.fill('input[name=amount]', '0.5');
    await np.click('button:has-text("Buy XMR")');
    assert.match(
      (await np.textContent('.notice.error')) ?? '',
      /trades only with people who have completed at least 2 trades; you have completed 0/,
    );
    await screenshot(np, 'offer-min-reputation');

    // A disputed trade with more messages than one page of the API (100).
    const [seller, buyer, moderator] = [await stack.signUp('cs'), await stack.signUp('cb'), await stack.signUp('cm')];
    await stack.fund(seller.id, '1');
    const { trade } = await tradeOnNewOffer(stack, seller, buyer, '1', { minAmount: '1', maxAmount: '1', paymentWindowMinutes: 60 });
    for (let i = 0; i < 150; i += 1) {
      const author = i % 2 === 0 ? buyer : seller;
      const sent = await stack.api('POST', `/trades/${trade.id}/messages`, { token: author.token, body: { body: `message ${i}` } });
      assert.equal(sent.status, 201);
    }
    await stack.api('POST', `/trades/${trade.id}/paid`, { token: buyer.token });
    await stack.api('POST', `/trades/${trade.id}/dispute`, { token: seller.token, body: { reason: 'no money arrived' } });
    await stack.makeAdmin(moderator.username, moderator.password);
    const context = await browser.newContext();
    const mp = await context.newPage();
    await logIn(mp, frontend.url, moderator.username, moderator.password);
    await mp.goto(`${frontend.url}/trades/${trade.id}`);
    assert.equal(await mp.textContent('[data-trade-state]'), 'Disputed');
    const shown = await mp.locator('ol.chat li p').allTextContents();
    assert.deepEqual(
      shown,
      Array.from({ length: 150 }, (_, i) => `message ${i}`),
      'every message, oldest first',
    );
    assert.equal(await mp.locator('[data-chat-later]').count(), 0);
    await screenshot(mp, 'trade-moderator');
    await owner.context.close();
    await newcomer.context.close();
    await context.close();
  });

  it('withdraws once even when the form is sent twice, and says deposits are unavailable without a wallet manager', async () => {
    const user = await signUp('wd');
    await stack.fund(user.id, '3');
    const { page, context } = user;
    await page.goto(`${frontend.url}/wallet`);
    assert.match((await page.textContent('main')) ?? '', /Deposits are unavailable right now/);
    const form = {
      _csrf: await page.inputValue('form[action="/wallet/withdraw"] input[name=_csrf]'),
      idempotencyKey: await page.inputValue('input[name=idempotencyKey]'),
      address: ADDRESS,
      amount: '1',
    };
    const [first, second] = await Promise.all(
      [1, 2].map(() => context.request.post(`${frontend.url}/wallet/withdraw`, { form, maxRedirects: 0 })),
    );
    assert.deepEqual([first?.status(), second?.status()], [302, 302]);
    assert.deepEqual(await balances(page), { available: '1.99', held: '0', total: '1.99' }, 'debited once: 1 XMR and the 0.01 fee');
    assert.equal(await page.locator('[data-table=withdrawals] tbody tr').count(), 1);
    await screenshot(page, 'wallet-withdrawn');

    await page.fill('input[name=address]', ADDRESS);
    await page.fill('input[name=amount]', '5');
    await page.click('[data-action=withdraw]');
    assert.match((await page.textContent('.notice.error')) ?? '', /insufficient|not enough|cover/i);
    assert.equal(await page.inputValue('input[name=amount]'), '5');

    // The first form again (the browser's Back), with another amount: its key is spent, so the ledger
    // refuses it; the page says so and hands out a new key, with which the next send goes through.
    const conflict = await context.request.post(`${frontend.url}/wallet/withdraw`, { form: { ...form, amount: '0.5' }, maxRedirects: 0 });
    assert.equal(conflict.status(), 409);
    const conflictPage = await conflict.text();
    assert.match(conflictPage, /A withdrawal was already made with this form/);
    const freshKey = /name="idempotencyKey" value="([^"]+)"/.exec(conflictPage)?.[1];
    assert.ok(freshKey && freshKey !== form.idempotencyKey, 'a new key for the next withdrawal');
    const again = await context.request.post(`${frontend.url}/wallet/withdraw`, {
      form: { ...form, amount: '0.5', idempotencyKey: freshKey },
      maxRedirects: 0,
    });
    assert.equal(again.status(), 302);
    assert.deepEqual(await balances(page), { available: '1.48', held: '0', total: '1.48' });

    // No answer from the gateway: the withdrawal may or may not have been made, so the page offers
    // the same form with the same key (safe to send again), never a fresh one.
    await page.goto(`${frontend.url}/wallet`);
    const unsure = {
      _csrf: await page.inputValue('form[action="/wallet/withdraw"] input[name=_csrf]'),
      idempotencyKey: await page.inputValue('input[name=idempotencyKey]'),
      address: ADDRESS,
      amount: '0.1',
    };
    await stack.gateway.close();
    const lost = await context.request.post(`${frontend.url}/wallet/withdraw`, { form: unsure, maxRedirects: 0 });
    assert.equal(lost.status(), 503);
    const lostPage = await lost.text();
    assert.match(lostPage, /may or may not have been made/);
    assert.equal(/name="idempotencyKey" value="([^"]+)"/.exec(lostPage)?.[1], unsure.idempotencyKey);
    assert.match(lostPage, /name="amount"[^>]*value="0.1"/);
    await context.close();
  });
});
