import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Browser, type BrowserStack, logIn, type Page, startBrowserStack, type TestFrontend } from '@pupero/test-stack/frontend';
import { type OffersStack, sellOfferBody } from '@pupero/test-stack/offers';

const IBAN = 'IBAN FR76 3000 6000 0112 3456 7890 189, Jeanne Martin';

/**
 * Pages that update themselves (public/app.js asks routes/live.ts for server-rendered parts): two
 * people in two browsers see each other's moves on a trade page without reloading it.
 */
describe('live updates in the browser', () => {
  let web: BrowserStack;
  let stack: OffersStack;
  let frontend: TestFrontend;
  let browser: Browser;
  before(async () => {
    web = await startBrowserStack();
    ({ stack, frontend, browser } = web);
  });
  after(() => web?.close());

  /** A new account through the API, signed in in a browser of its own. */
  const person = async (prefix: string) => {
    const user = await stack.signUp(prefix);
    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, frontend.url, user.username, user.password);
    return { ...user, context, page };
  };
  /** Marks the page: the mark is gone after any reload or navigation. */
  const stay = (page: Page) => page.evaluate(() => Object.assign(window, { stayed: true }));
  const stayed = (page: Page) => page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed === true);
  const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();

  it("shows each party the other's moves and messages without a reload, and keeps the live parts from anyone else", async () => {
    const [seller, buyer, stranger] = [await person('lvs'), await person('lvb'), await person('lvx')];
    await stack.fund(seller.id, '2');
    const offer = await stack.api('POST', '/offers', { token: seller.token, body: sellOfferBody({ maxAmount: '1' }) });
    const opened = await stack.api('POST', `/offers/${offer.body.id}/trades`, {
      token: buyer.token,
      body: { amount: '0.5', paymentMethod: 'SEPA' },
    });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    const tradeUrl = `${frontend.url}/trades/${opened.body.id}`;

    // No details yet: the buyer is told to wait for them, and cannot say "money sent".
    const bp = buyer.page;
    await bp.goto(tradeUrl);
    assert.match(await text(bp, '[data-waiting-details]'), /Waiting for the seller's payment details/);
    assert.equal(await bp.locator('[data-action=paid]').count(), 0);
    await stay(bp);

    const sp = seller.page;
    await sp.goto(tradeUrl);
    await stay(sp);
    await sp.fill('textarea[name=paymentDetails]', IBAN);
    await Promise.all([sp.waitForURL(tradeUrl), sp.click('button:has-text("Save payment details")')]);
    await stay(sp);

    // The buyer's page shows the details and the button by itself; the seller's page follows the payment.
    await bp.waitForSelector('[data-action=paid]', { timeout: 15_000 });
    assert.equal(await text(bp, '[data-payment-details]'), IBAN);
    await bp.click('[data-action=paid]');
    await bp.waitForURL(tradeUrl);
    await sp.waitForFunction(() => document.querySelector('[data-trade-state]')?.textContent?.trim() === 'Payment sent', null, {
      timeout: 15_000,
    });
    assert.ok(await stayed(sp), "the seller's page was not reloaded");
    assert.equal(await sp.locator('[data-action=release]').count(), 1, 'the release button came with the new state');
    assert.match(await text(sp, '[data-auto-dispute] time'), /^(23:59|24:00):\d\d$/, 'the automatic dispute is a day away');

    // A message from the buyer appears in the seller's chat.
    await bp.fill('input[name=body]', 'Sent by SEPA a minute ago.');
    await Promise.all([bp.waitForURL(`${tradeUrl}#chat`), bp.click('button:has-text("Send")')]);
    await sp.waitForFunction(() => document.querySelector('ol.chat')?.textContent?.includes('Sent by SEPA a minute ago.'), null, {
      timeout: 15_000,
    });
    assert.ok(await stayed(sp));

    // The live parts are the trade's parties' alone, and nobody's without a session.
    for (const path of [`/live/trades/${opened.body.id}`, `/live/trades/${opened.body.id}/chat`]) {
      assert.equal((await stranger.page.request.get(`${frontend.url}${path}`)).status(), 404, `${path} for a stranger`);
      const anonymous = await fetch(`${frontend.url}${path}`, { redirect: 'manual' });
      assert.equal(anonymous.status, 401, `${path} without a session`);
      const own = await sp.request.get(`${frontend.url}${path}`);
      assert.equal(own.status(), 200);
      assert.doesNotMatch(await own.text(), /<html/, 'a part of a page, not a page');
    }
    const count = await sp.request.get(`${frontend.url}/live/needs-action`);
    assert.match(await count.text(), /data-needs-action="1"/, "the seller's move: release");
    await Promise.all([seller.context.close(), buyer.context.close(), stranger.context.close()]);
  });

  it("shows a seller a new trade on their offer without a reload: in the open trades and the top bar's count", async () => {
    const [seller, buyer] = [await person('lns'), await person('lnb')];
    await stack.fund(seller.id, '2');
    const offer = await stack.api('POST', '/offers', {
      token: seller.token,
      body: sellOfferBody({ maxAmount: '1', paymentDetails: IBAN }),
    });
    const sp = seller.page;
    await sp.goto(`${frontend.url}/trades?open=true`);
    assert.equal(await sp.locator('[data-needs-action]').getAttribute('data-needs-action'), '0');
    await stay(sp);

    const opened = await stack.api('POST', `/offers/${offer.body.id}/trades`, {
      token: buyer.token,
      body: { amount: '0.5', paymentMethod: 'SEPA' },
    });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    await sp.waitForSelector(`a[href="/trades/${opened.body.id}"]`, { timeout: 15_000 });
    await stack.api('POST', `/trades/${opened.body.id}/paid`, { token: buyer.token });
    // The seller's move now (release): the top bar counts it.
    await sp.waitForSelector('[data-needs-action="1"]', { timeout: 20_000 });
    assert.ok(await stayed(sp), "the seller's page was not reloaded");
    await Promise.all([seller.context.close(), buyer.context.close()]);
  });
});
