import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Browser, type BrowserStack, type Page, startBrowserStack, type TestFrontend } from '@pupero/test-stack/frontend';
import { type OffersStack, sellOfferBody } from '@pupero/test-stack/offers';

/** The offer book as a visitor uses it: sorted by price or newest, filtered by amount, the filters kept across tabs. */
describe('the offer book in the browser', () => {
  let web: BrowserStack;
  let stack: OffersStack;
  let frontend: TestFrontend;
  let browser: Browser;
  let page: Page;
  before(async () => {
    web = await startBrowserStack();
    ({ stack, frontend, browser } = web);
    page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    const owner = await stack.signUp('book');
    for (const [fixedPrice, minAmount, maxAmount, method, side] of [
      ['160', '0.1', '1', 'SEPA', 'SELL'],
      ['140', '2', '5', 'SEPA', 'SELL'],
      ['150', '0.1', '5', 'SEPA', 'SELL'],
      ['100', '0.1', '5', 'REVOLUT', 'SELL'],
      ['130', '0.1', '5', 'SEPA', 'BUY'],
    ]) {
      const offer = sellOfferBody({ fixedPrice, minAmount, maxAmount, paymentMethods: [method], side });
      assert.equal((await stack.api('POST', '/offers', { token: owner.token, body: offer })).status, 201);
    }
  });
  after(() => web?.close());

  const prices = () => page.locator('li.offer .offer-price strong').allTextContents();
  const filter = async (values: { amount?: string; sort?: string }) => {
    if (values.amount !== undefined) await page.fill('.filters input[name=amount]', values.amount);
    if (values.sort) await page.selectOption('.filters select[name=sort]', values.sort);
    // The form sends every field: the address has `amount=` once its answer has come.
    await Promise.all([page.waitForURL(/[?&]amount=/), page.click('.filters button[type=submit]')]);
  };

  it('sorts by price (without a market price known: fixed prices alone) and by newest, and shows what each offer costs in fiat from its smallest to its largest trade', async () => {
    await page.goto(`${frontend.url}/?side=SELL&currency=EUR&method=SEPA`);
    assert.deepEqual(await prices(), ['150.00 EUR', '140.00 EUR', '160.00 EUR'], 'newest first');
    await filter({ sort: 'price' });
    assert.deepEqual(await prices(), ['140.00 EUR', '150.00 EUR', '160.00 EUR'], 'the cheapest first');
    const row = page.locator('li.offer', { hasText: '150.00 EUR' });
    assert.equal((await row.locator('[data-fiat-range]').textContent())?.trim(), '15.00 – 750.00 EUR');
  });

  it('keeps the payment method when switching from the Buy tab to the Sell tab', async () => {
    await page.goto(`${frontend.url}/?side=SELL&currency=EUR&method=SEPA`);
    await Promise.all([page.waitForURL(/side=BUY/), page.click('.tabs a:has-text("Sell XMR")')]);
    assert.equal(new URL(page.url()).searchParams.get('method'), 'SEPA');
    assert.equal(await page.inputValue('.filters select[name=method]'), 'SEPA');
  });

  it('hides offers whose limits do not admit the amount, and keeps every filter when switching tabs', async () => {
    await page.goto(`${frontend.url}/?side=SELL&currency=EUR&method=SEPA&sort=price`);
    await filter({ amount: '1.5' });
    assert.deepEqual(await prices(), ['150.00 EUR'], 'only the offer of 0.1–5 XMR takes 1.5 XMR');

    await Promise.all([page.waitForURL(/side=BUY/), page.click('[data-tab=BUY]')]);
    const kept = new URL(page.url()).searchParams;
    assert.deepEqual(
      ['currency', 'method', 'amount', 'sort'].map((name) => kept.get(name)),
      ['EUR', 'SEPA', '1.5', 'price'],
    );
    assert.equal(await page.inputValue('.filters select[name=method]'), 'SEPA');
    assert.equal(await page.inputValue('.filters input[name=amount]'), '1.5');
    assert.deepEqual(await prices(), ['130.00 EUR']);
    await Promise.all([page.waitForURL(/side=SELL/), page.click('[data-tab=SELL]')]);
    assert.deepEqual(await prices(), ['150.00 EUR'], 'and back');
  });

  it("says in the reader's language what is wrong with a filter, and still shows the book", async () => {
    await page.goto(`${frontend.url}/?side=SELL&amount=lots&sort=price`);
    const notice = (await page.textContent('.notice.error')) ?? '';
    assert.match(notice, /The amount must be a number of XMR/);
    assert.match(notice, /Choose a currency to sort by price/);
    assert.doesNotMatch(notice, /must be a decimal|is required with/, "not the API's words");
    assert.equal((await prices()).length, 4, 'all SELL offers, newest first');
    const french = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
    await french.goto(`${frontend.url}/?side=SELL&currency=EUR&amount=-1`);
    assert.match((await french.textContent('.notice.error')) ?? '', /Le montant doit être un nombre de XMR/);
    await french.context().close();
  });
});
