import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import {
  type Browser,
  type BrowserContext,
  type BrowserStack,
  logIn,
  type Page,
  screenshot,
  startBrowserStack,
  type TestFrontend,
} from '@pupero/test-stack/frontend';
import { type OffersStack, tradeOnNewOffer } from '@pupero/test-stack/offers';

/** axe-core's own file, evaluated in each page (the CSP allows no inline script tag; the DevTools protocol's evaluation is not one). */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  nodes: { target: unknown[] }[];
}

/** Every axe-core violation of the page as it is now, of any impact. */
async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const results = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v: Violation) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}

const describeViolations = (violations: Violation[]) =>
  violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`).join('\n');

const WIDTHS = [1280, 390];
const LANGUAGES = ['en', 'fr'];

/**
 * WCAG 2.2 AA in a real Chromium over the real services: axe-core on every page, in English and
 * French, at desktop and phone width; and the defects a person found by hand (the phone menu by
 * keyboard, horizontal scrolling at 320 px, the offer form's price fields, buttons of one height,
 * post/redirect/get after a refused form).
 */
describe('accessibility of every page', () => {
  let web: BrowserStack;
  let stack: OffersStack;
  let frontend: TestFrontend;
  let browser: Browser;
  const people: Record<'anonymous' | 'seller' | 'buyer' | 'admin', { context: BrowserContext; page: Page }> = {} as any;
  const fixtures = { sellerName: '', offerId: 0, tradeId: 0 };

  const signUp = (prefix: string) => web.signUp(prefix);

  before(async () => {
    web = await startBrowserStack({ env: { TRADE_NEW_TAKER_MAX_XMR: '10' } });
    ({ stack, frontend, browser } = web);
    const anonymous = await browser.newContext();
    people.anonymous = { context: anonymous, page: await anonymous.newPage() };
    const [seller, buyer, admin] = await Promise.all([signUp('a11ys'), signUp('a11yb'), signUp('a11ya')]);
    people.seller = seller;
    people.buyer = buyer;
    people.admin = admin;
    await stack.makeAdmin(admin.person.username, admin.person.password);
    await logIn(admin.page, frontend.url, admin.person.username, admin.person.password);
    await stack.fund(seller.id, '10');
    const { offer, trade } = await tradeOnNewOffer(stack, seller, buyer, '1', { terms: 'SEPA from your own account.' });
    // A second trade, disputed: the moderators' list has something to show.
    const disputed = await stack.api('POST', `/offers/${offer.id}/trades`, {
      token: buyer.token,
      body: { amount: '0.5', paymentMethod: 'SEPA' },
    });
    await stack.api('POST', `/trades/${disputed.body.id}/paid`, { token: buyer.token });
    await stack.api('POST', `/trades/${disputed.body.id}/dispute`, { token: buyer.token, body: { reason: 'No answer from the seller.' } });
    Object.assign(fixtures, { sellerName: seller.person.username, offerId: offer.id, tradeId: trade.id });
  });
  after(() => web?.close());

  it('finds no axe-core violation on any page, in English and French, at 1280 and 390 px', async (t) => {
    const pages: [keyof typeof people, string][] = [
      ['anonymous', '/'],
      ['anonymous', `/offers/${fixtures.offerId}`],
      ['anonymous', '/login'],
      ['anonymous', '/register'],
      ['anonymous', `/users/${fixtures.sellerName}`],
      ['anonymous', '/no/such/page'],
      ['seller', '/account'],
      ['seller', '/wallet'],
      ['seller', '/trades'],
      ['seller', `/trades/${fixtures.tradeId}`],
      ['buyer', `/trades/${fixtures.tradeId}`],
      ['seller', '/my/offers'],
      ['seller', '/my/offers/new'],
      ['seller', `/my/offers/${fixtures.offerId}/edit`],
      ['admin', '/disputes'],
      ['admin', '/admin/users'],
      ['admin', '/admin/withdrawals'],
      ['admin', '/admin/ledger'],
    ];
    const found: string[] = [];
    const byId = new Map<string, number>();
    let checked = 0;
    for (const language of LANGUAGES) {
      for (const { context } of Object.values(people)) {
        await context.addCookies([{ name: 'pupero_lang', value: language, url: frontend.url }]);
      }
      for (const [who, path] of pages) {
        const { page } = people[who];
        await page.setViewportSize({ width: WIDTHS[0]!, height: 900 });
        await page.goto(`${frontend.url}${path}`);
        assert.equal(await page.getAttribute('html', 'lang'), language, path);
        const check = async (state: string) => {
          const violations = await axeViolations(page);
          checked += 1;
          for (const v of violations) byId.set(v.id, (byId.get(v.id) ?? 0) + 1);
          if (violations.length > 0) found.push(`${who} ${path} (${language}, ${state}):\n${describeViolations(violations)}`);
        };
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: 900 });
          await check(`${width} px`);
        }
        // At phone width the menu's links are folded: checked again with the menu open.
        await page.click('summary.menu-button');
        await check(`${WIDTHS[1]} px, menu open`);
      }
    }
    t.diagnostic(
      `axe-core: ${checked} checks (${pages.length} pages × ${LANGUAGES.length} languages × ${WIDTHS.length} widths, and the phone menu open)`,
    );
    t.diagnostic(`axe-core violations by id: ${JSON.stringify(Object.fromEntries(byId))}`);
    for (const { context } of Object.values(people)) await context.addCookies([{ name: 'pupero_lang', value: 'en', url: frontend.url }]);
    assert.deepEqual(found, [], found.join('\n\n'));
  });

  it('reaches the phone menu by keyboard: a button, opened by Enter and closed by Space, that leads to Log out', async () => {
    const { page } = people.seller;
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${frontend.url}/wallet`);
    assert.equal(await page.isVisible('button:has-text("Log out")'), false, 'folded on a phone');
    let reached = false;
    for (let i = 0; i < 8 && !reached; i += 1) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.matches('summary.menu-button') ?? false);
    }
    assert.ok(reached, 'the menu button is reached by Tab');
    assert.match((await page.textContent('summary.menu-button')) ?? '', /Menu/, 'it has a name');
    await screenshot(page, 'a11y-menu-folded-phone');
    await page.keyboard.press('Enter');
    assert.ok(await page.isVisible('button:has-text("Log out")'), 'Enter opens it');
    await screenshot(page, 'a11y-menu-open-phone');
    await page.keyboard.press('Space');
    assert.equal(await page.isVisible('button:has-text("Log out")'), false, 'Space closes it');
    await page.keyboard.press('Space');
    let onLogOut = false;
    for (let i = 0; i < 12 && !onLogOut; i += 1) {
      await page.keyboard.press('Tab');
      onLogOut = await page.evaluate(() => document.activeElement?.textContent?.trim() === 'Log out');
    }
    assert.ok(onLogOut, 'Log out is reached by Tab once the menu is open');
    await page.setViewportSize({ width: 1280, height: 900 });
    assert.ok(await page.isVisible('a[href="/wallet"]'), 'the links show on a wide screen');
    await page.goto(`${frontend.url}/wallet`);
    assert.ok(await page.isVisible('button:has-text("Log out")'), 'whether the menu was opened or not');
    assert.equal(await page.isVisible('summary.menu-button'), false, 'no menu button on a wide screen');
    await screenshot(page, 'a11y-menu-wide');
  });

  it('scrolls no page sideways at 320 px', async () => {
    const wide: string[] = [];
    const pages: [keyof typeof people, string][] = [
      ['seller', '/wallet'],
      ['seller', '/trades'],
      ['seller', '/my/offers'],
      ['seller', '/my/offers/new'],
      ['seller', '/account'],
      ['buyer', `/trades/${fixtures.tradeId}`],
      ['anonymous', `/offers/${fixtures.offerId}`],
      ['admin', '/admin/users'],
      ['admin', '/admin/withdrawals'],
      ['admin', '/admin/ledger'],
      ['admin', '/disputes'],
    ];
    for (const [who, path, language] of LANGUAGES.flatMap((language) => pages.map(([who, path]) => [who, path, language] as const))) {
      const { page, context } = people[who];
      await context.addCookies([{ name: 'pupero_lang', value: language, url: frontend.url }]);
      await page.setViewportSize({ width: 320, height: 800 });
      await page.goto(`${frontend.url}${path}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      // What sticks out, to say where to look.
      const beyond = await page.evaluate(() =>
        [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > 320.5)
          .map((e) => `${e.tagName.toLowerCase()}${e.className ? `.${String(e.className).replaceAll(' ', '.')}` : ''}`)
          .slice(-3),
      );
      if (width > 320) wide.push(`${path} (${language}): ${width} px (${beyond.join(', ')})`);
    }
    for (const { context } of Object.values(people)) await context.addCookies([{ name: 'pupero_lang', value: 'en', url: frontend.url }]);
    assert.deepEqual(wide, []);
  });

  it("shows the offer form's fixed price or its margin, never both, and a BUY offer no payment details, without a script", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, storageState: await people.seller.context.storageState() });
    const page = await context.newPage();
    await page.goto(`${frontend.url}/my/offers/new`);
    const shown = async () => ({
      fixed: await page.isVisible('input[name=fixedPrice]'),
      margin: await page.isVisible('input[name=marginPercent]'),
      details: await page.isVisible('textarea[name=paymentDetails]'),
    });
    assert.deepEqual(await shown(), { fixed: true, margin: false, details: true });
    await page.check('input[name=priceType][value=MARKET]');
    await page.check('input[name=side][value=BUY]');
    assert.deepEqual(await shown(), { fixed: false, margin: true, details: false });
    await context.close();
  });

  it('answers a refused form with a redirect to its page (post/redirect/get): the sentence tied to the field, the values kept, a reload sends nothing', async () => {
    /** Submits the page's form and answers the page it lands on: its URL, the method that fetched it, and the requests a reload makes. */
    const refused = async (page: Page, button: string) => {
      const [answer] = await Promise.all([page.waitForNavigation(), page.click(button)]);
      const landed = { url: new URL(page.url()), method: answer?.request().method() };
      const error = ((await page.textContent('.notice.error')) ?? '').trim();
      return { ...landed, error };
    };
    const reload = async (page: Page) => {
      const methods: string[] = [];
      const seen = (request: { method(): string; isNavigationRequest(): boolean }) => {
        if (request.isNavigationRequest()) methods.push(request.method());
      };
      page.on('request', seen);
      await page.reload();
      page.off('request', seen);
      return { methods, error: await page.isVisible('.notice.error') };
    };
    const tiedToError = async (page: Page, selector: string, errorId = 'form-error') => {
      const said = await page.textContent(`#${errorId}`);
      assert.equal(await page.getAttribute(selector, 'aria-invalid'), 'true', `${selector} is marked invalid (the page said: ${said})`);
      assert.match(
        (await page.getAttribute(selector, 'aria-describedby')) ?? '',
        new RegExp(`\\b${errorId}\\b`),
        `${selector} names the error`,
      );
      assert.equal(await page.isVisible(`#${errorId}`), true);
    };

    const { page } = people.seller;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${frontend.url}/my/offers/new`);
    await page.check('input[name=paymentMethods][value=SEPA]');
    await page.fill('input[name=fixedPrice]', '150');
    await page.fill('input[name=minAmount]', 'lots');
    await page.fill('input[name=maxAmount]', '5');
    const offer = await refused(page, 'button:has-text("Publish offer")');
    assert.deepEqual([offer.url.pathname, offer.method], ['/my/offers/new', 'GET'], "the refusal is shown at the form's own GET URL");
    assert.notEqual(offer.error, '');
    assert.equal(await page.inputValue('input[name=minAmount]'), 'lots', 'the values are kept as typed');
    assert.equal(await page.isChecked('input[name=paymentMethods][value=SEPA]'), true);
    await tiedToError(page, 'input[name=minAmount]');
    assert.deepEqual(await reload(page), { methods: ['GET'], error: false }, 'a reload sends nothing again, and the refusal is shown once');

    await page.goto(`${frontend.url}/wallet`);
    await page.fill('input[name=address]', 'not an address');
    await page.fill('input[name=amount]', '5000');
    const withdrawal = await refused(page, '[data-action=withdraw]');
    assert.deepEqual([withdrawal.url.pathname, withdrawal.method], ['/wallet', 'GET']);
    assert.equal(await page.inputValue('input[name=amount]'), '5000');
    assert.deepEqual(await reload(page), { methods: ['GET'], error: false });

    await page.goto(`${frontend.url}/account`);
    await page.fill('#profile input[name=email]', `new-${fixtures.sellerName}@example.test`);
    await page.fill('#profile input[name=currentPassword]', 'not my password');
    const profile = await refused(page, 'button:has-text("Save")');
    assert.deepEqual([profile.url.pathname, profile.url.hash, profile.method], ['/account', '#profile', 'GET']);
    await tiedToError(page, '#profile input[name=currentPassword]', 'profile-error');
    assert.equal(await page.inputValue('#profile input[name=currentPassword]'), '', 'a password is never kept');
    assert.equal(await page.inputValue('#profile input[name=email]'), `new-${fixtures.sellerName}@example.test`);

    const anonymous = people.anonymous.page;
    await anonymous.goto(`${frontend.url}/login`);
    await anonymous.fill('input[name=identifier]', fixtures.sellerName);
    await anonymous.fill('input[name=password]', 'a wrong password');
    const login = await refused(anonymous, 'form[action="/login"] button[type=submit]');
    assert.deepEqual([login.url.pathname, login.method], ['/login', 'GET']);
    assert.equal(await anonymous.inputValue('input[name=identifier]'), fixtures.sellerName);
    await tiedToError(anonymous, 'input[name=password]');
    assert.deepEqual(await reload(anonymous), { methods: ['GET'], error: false });
  });

  it('draws Edit, Pause and Close of one height', async () => {
    const { page } = people.seller;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${frontend.url}/my/offers`);
    const actions = page.locator('.actions').first();
    const heights = await Promise.all(
      ['a.button', 'button:has-text("Pause")', 'button:has-text("Close")'].map(
        async (selector) => (await actions.locator(selector).boundingBox())?.height,
      ),
    );
    assert.equal(new Set(heights).size, 1, `heights: ${heights.join(', ')}`);
  });
});
