import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { oathtoolCode } from '@pupero/shared/testing';
import { type BrowserStack, logIn, logOut, type Page, screenshot, startBrowserStack, type TestFrontend } from '@pupero/test-stack/frontend';
import { ADDRESS } from '@pupero/test-stack/ledger';
import type { OffersStack } from '@pupero/test-stack/offers';
import { refusalOf } from './api-client/errors.ts';
import { formattersFor } from './i18n/format.ts';
import { describeRefusal } from './i18n/refusals.ts';
import { createI18n, type Translate } from './i18n/setup.ts';
import { disputeReasonKey, tradeView } from './trade-view.ts';

const IBAN = 'IBAN FR76 3000 6000 0112 3456 7890 189, Jeanne Martin';

/**
 * The trade page people trust, in real browsers over the real services: payment details shown to
 * the trade's buyer (and to nobody else), whose move it is, the countdown, the top bar's "needs your
 * action"; the withdraw form's terms and "withdraw everything"; 2FA recovery codes.
 */
describe('the trade page, the withdraw form and 2FA recovery codes in the browser', () => {
  let web: BrowserStack;
  let stack: OffersStack;
  let frontend: TestFrontend;
  before(async () => {
    web = await startBrowserStack({ env: { TRADE_NEW_TAKER_MAX_XMR: '10' } });
    ({ stack, frontend } = web);
  });
  after(() => web?.close());

  const signUp = (prefix: string) => web.signUp(prefix);
  const needsAction = async (page: Page) => {
    await page.goto(`${frontend.url}/`);
    return page.getAttribute('[data-needs-action]', 'data-needs-action');
  };
  /** Publishes an offer through the form: 0.1–5 XMR at 150 EUR by SEPA. */
  const publish = async (page: Page, side: 'SELL' | 'BUY', paymentDetails = '') => {
    await page.goto(`${frontend.url}/my/offers/new`);
    await page.check(`input[name=side][value=${side}]`);
    await page.check('input[name=paymentMethods][value=SEPA]');
    await page.fill('input[name=fixedPrice]', '150');
    await page.fill('input[name=minAmount]', '0.1');
    await page.fill('input[name=maxAmount]', '5');
    if (side === 'SELL') await page.fill('textarea[name=paymentDetails]', paymentDetails);
    else assert.equal(await page.isVisible('textarea[name=paymentDetails]'), false, "a BUY offer's form hides the payment details");
    await page.click('button:has-text("Publish offer")');
    await page.waitForURL(`${frontend.url}/my/offers`);
    const match = /#(\d+)/.exec((await page.textContent('.notice.ok')) ?? '');
    assert.ok(match, 'the offer is live');
    return Number(match[1]);
  };
  /** Opens a trade of 1 XMR on an offer through its page; answers the trade page's URL. */
  const openTrade = async (page: Page, offerId: number, button: string, paymentDetails?: string) => {
    await page.goto(`${frontend.url}/offers/${offerId}`);
    await page.fill('input[name=amount]', '1');
    if (paymentDetails) await page.fill('textarea[name=paymentDetails]', paymentDetails);
    await page.click(`button:has-text("${button}")`);
    await page.waitForURL(/\/trades\/\d+$/);
    return page.url();
  };

  it("shows a SELL trade's payment details to its buyer only, whose move it is, the countdown and the top bar's count", async () => {
    const seller = await signUp('pdseller');
    await stack.fund(seller.id, '10');
    const offerId = await publish(seller.page, 'SELL');
    const buyer = await signUp('pdbuyer');
    const tradeUrl = await openTrade(buyer.page, offerId, 'Buy XMR');
    const bp = buyer.page;
    assert.match((await bp.textContent('[data-no-payment-details]')) ?? '', /not given their payment details/);
    assert.equal((await bp.textContent('[data-awaiting]'))?.trim(), 'Waiting for the seller.');
    assert.equal(await bp.getAttribute('[data-counterparty]', 'href'), `/users/${seller.person.username}`);
    assert.match((await bp.textContent('[data-counterparty-record]')) ?? '', /0 completed trades/);

    // The offer gave no details: the seller's move, counted in their top bar; they give them on the trade page.
    assert.equal(await needsAction(seller.page), '1');
    assert.equal(await needsAction(bp), '0');
    const sp = seller.page;
    await sp.goto(tradeUrl);
    assert.equal((await sp.textContent('[data-awaiting]'))?.trim(), 'Your move.');
    await sp.fill('textarea[name=paymentDetails]', IBAN);
    await sp.click('button:has-text("Save payment details")');
    await sp.waitForURL(tradeUrl);
    assert.equal((await sp.textContent('[data-payment-details]'))?.trim(), IBAN, 'the seller sees what the buyer sees');
    assert.equal(await needsAction(sp), '0');
    assert.equal(await needsAction(bp), '1');

    await bp.goto(tradeUrl);
    assert.equal((await bp.textContent('[data-payment-details]'))?.trim(), IBAN, 'the buyer sees the IBAN');
    assert.equal((await bp.textContent('[data-awaiting]'))?.trim(), 'Your move.');
    const first = (await bp.textContent('time[data-countdown]')) ?? '';
    assert.match(first, /^0:(59|60|[0-5]\d):\d\d$/, 'an hour-long window, counted down');
    await bp.waitForFunction((shown) => document.querySelector('time[data-countdown]')?.textContent !== shown, first);
    await screenshot(bp, 'trade-payment-details');

    const stranger = await signUp('pdstranger');
    const answer = await stranger.page.goto(tradeUrl);
    assert.equal(answer?.status(), 404);
    assert.equal((await stranger.page.textContent('h1'))?.trim(), 'Not found');
    assert.ok(!(await stranger.page.content()).includes('FR76'), 'nobody else sees the IBAN');
    await bp.goto(`${frontend.url}/offers/${offerId}`);
    assert.ok(!(await bp.content()).includes('FR76'), 'the offer page never shows it');

    // The owner edits the offer's own details: kept for the next trades.
    await sp.goto(`${frontend.url}/my/offers/${offerId}/edit`);
    await sp.fill('textarea[name=paymentDetails]', IBAN);
    await sp.click('button:has-text("Save changes")');
    await sp.goto(`${frontend.url}/my/offers/${offerId}/edit`);
    assert.equal(await sp.inputValue('textarea[name=paymentDetails]'), IBAN);
    await Promise.all([seller.context.close(), buyer.context.close(), stranger.context.close()]);
  });

  it("lets a BUY offer's taker give their payment details with the trade", async () => {
    const owner = await signUp('buyowner');
    const offerId = await publish(owner.page, 'BUY');
    const taker = await signUp('buytaker');
    await stack.fund(taker.id, '5');
    const tradeUrl = await openTrade(taker.page, offerId, 'Sell XMR', IBAN);
    assert.equal((await taker.page.textContent('[data-payment-details]'))?.trim(), IBAN);
    await owner.page.goto(tradeUrl);
    assert.equal((await owner.page.textContent('[data-payment-details]'))?.trim(), IBAN, 'the owner, the buyer here, sees them');
    await Promise.all([owner.context.close(), taker.context.close()]);
  });

  it('after a refused action goes back to the trade page (303), shows the refusal once, and takes the feedback once', async () => {
    const seller = await signUp('prgseller');
    await stack.fund(seller.id, '10');
    const offerId = await publish(seller.page, 'SELL', IBAN);
    const buyer = await signUp('prgbuyer');
    const bp = buyer.page;

    // Opening a trade refused: back on the offer's GET page, with the typed amount; a reload sends nothing again.
    await bp.goto(`${frontend.url}/offers/${offerId}`);
    await bp.fill('input[name=amount]', '50');
    const [refusedOpen] = await Promise.all([
      bp.waitForResponse((r) => r.url() === `${frontend.url}/offers/${offerId}/trades`),
      bp.click('button:has-text("Buy XMR")'),
    ]);
    assert.equal(refusedOpen.status(), 303);
    await bp.waitForURL(`${frontend.url}/offers/${offerId}`);
    assert.match((await bp.textContent('[role=alert]')) ?? '', /between 0\.1 and 5 XMR/);
    assert.equal(await bp.inputValue('input[name=amount]'), '50');
    const reloaded = await bp.reload();
    assert.equal(reloaded?.request().method(), 'GET');
    assert.equal(await bp.locator('[role=alert]').count(), 0, 'shown once');

    const tradeUrl = await openTrade(bp, offerId, 'Buy XMR');
    // A chat message too long for the gateway: refused, back on the trade page with what was typed.
    await bp.goto(tradeUrl);
    await bp.evaluate(() => document.querySelector('input[name=body]')?.removeAttribute('maxlength'));
    const long = 'x'.repeat(2001);
    await bp.fill('input[name=body]', long);
    const [refusedChat] = await Promise.all([
      bp.waitForResponse((r) => r.url() === `${tradeUrl}/messages`),
      bp.click('button:has-text("Send")'),
    ]);
    assert.equal(refusedChat.status(), 303);
    await bp.waitForURL(`${tradeUrl}#chat`);
    assert.equal(await bp.locator('#chat [role=alert]').count(), 1);
    assert.equal(await bp.inputValue('input[name=body]'), long);
    await bp.reload();
    assert.equal(await bp.locator('[role=alert]').count(), 0, 'a reload does not send the message again');

    await bp.click('button[data-action=paid]');
    await bp.waitForURL(tradeUrl);
    const sp = seller.page;
    await sp.goto(tradeUrl);
    await sp.click('button[data-action=release]');
    await sp.waitForURL(tradeUrl);

    // The feedback form: its radios in a fieldset with a legend; gone once rated, for a line saying so.
    const legend = bp.locator('form[action$="/feedback"] fieldset legend');
    await bp.goto(tradeUrl);
    assert.equal((await legend.textContent())?.trim(), 'Your rating of this trade');
    await bp.check('input[name=rating][value=POSITIVE]');
    await bp.click('button:has-text("Leave feedback")');
    await bp.waitForURL(tradeUrl);
    assert.equal(await bp.locator('form[action$="/feedback"]').count(), 0, 'the form is gone');
    assert.equal((await bp.textContent('[data-rated]'))?.trim(), 'You rated this trade.');
    await Promise.all([seller.context.close(), buyer.context.close()]);
  });

  const pick = ({ canRate, rated }: { canRate: boolean; rated: boolean }) => ({ canRate, rated });
  it('names the offers service refusals of "money sent" by their reason, and an automatic dispute in the reader\'s language', async () => {
    const { instance } = createI18n();
    for (const [language, escrow, auto] of [
      ['en', /not yet held in escrow/, 'The seller did not answer in time.'],
      ['fr', /séquestre/, "Le vendeur n'a pas répondu à temps."],
    ] as const) {
      const t: Translate = (key, values) => instance.getFixedT(language)(key, values) as string;
      const amount = formattersFor(language, 'UTC').amount;
      const refused = (message: string, reason: string) =>
        describeRefusal(refusalOf({ status: 409, body: { code: 'CONFLICT', message, details: { reason } } }), t, amount);
      assert.equal(refused('Reworded: not yet', 'payment-details-missing'), t('errors.paymentDetailsMissing'));
      assert.match(refused('Reworded too', 'escrow-not-held'), escrow);
      assert.equal(
        describeRefusal(
          refusalOf({ status: 409, body: { code: 'CONFLICT', message: "The seller's XMR is not held in escrow yet" } }),
          t,
          amount,
        ),
        t('errors.escrowNotHeld'),
      );
      assert.equal(t(disputeReasonKey('The seller did not answer in time') ?? ''), auto);
      assert.equal(disputeReasonKey('He never paid'), null, "a party's own words are shown as written");
    }
    const me = { id: 1, username: 'me', email: 'me@example.org', role: 'user' as const, twoFactorEnabled: false };
    const trade = { id: 7, buyerId: 1, sellerId: 2, state: 'DISPUTED', paymentDeadline: new Date().toISOString() };
    assert.equal(
      tradeView({ ...trade, disputeReason: 'The seller did not answer in time' }, me, new Date()).disputeReasonKey,
      'trade.automaticDisputeReason',
    );
    const completed = { ...trade, state: 'COMPLETED', disputeReason: null };
    assert.deepEqual(pick(tradeView(completed, me, new Date())), { canRate: true, rated: false });
    assert.deepEqual(pick(tradeView({ ...completed, feedbackGiven: true }, me, new Date())), { canRate: false, rated: true });
  });

  it('shows the fee and the most one can withdraw, and "withdraw everything" withdraws exactly that', async () => {
    const person = await signUp('all');
    await stack.fund(person.id, '2');
    const { page } = person;
    await page.goto(`${frontend.url}/wallet`);
    assert.equal(await page.textContent('[data-term=fee]'), '0.01 XMR');
    assert.equal((await page.textContent('[data-term=maximum]'))?.trim(), '1.99 XMR');
    await page.fill('input[name=address]', ADDRESS);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${frontend.url}/wallet/withdraw`),
      page.click('button[name=everything]'),
    ]);
    assert.equal(answer.status(), 302, 'accepted, then back to the wallet');
    await page.waitForURL(`${frontend.url}/wallet`);
    assert.equal((await page.textContent('.notice.ok'))?.trim(), 'Withdrawal of 1.99 XMR requested (fee 0.01 XMR).');
    assert.equal(await page.textContent('[data-balance=available]'), '0');
    const [withdrawal] = (await stack.api('GET', '/withdrawals', { token: await tokenOf(person.person) })).body.items;
    assert.deepEqual([withdrawal.amount, withdrawal.state], ['1.99', 'PENDING']);
    await person.context.close();
  });

  it('shows the ten recovery codes once, and one logs in instead of the app', async () => {
    const { context, page, person } = await signUp('rec');
    await page.goto(`${frontend.url}/account`);
    await page.fill('#two-factor input[name=password]', person.password);
    await page.click('button:has-text("Set up two-factor authentication")');
    const secret = (await page.textContent('[data-totp-secret]'))?.trim() ?? '';
    await page.fill('#two-factor input[name=password]', person.password);
    await page.fill('#two-factor input[name=totp]', await oathtoolCode(secret, Math.floor(Date.now() / 1000)));
    await page.click('button:has-text("Turn on")');
    assert.match((await page.textContent('[data-recovery-codes]')) ?? '', /Write these codes down/);
    const codes = await page.locator('[data-recovery-codes] li').allTextContents();
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    await screenshot(page, 'account-recovery-codes');
    await page.reload();
    assert.equal(await page.locator('[data-recovery-codes]').count(), 0, 'shown only once');

    await logOut(page, frontend.url);
    await logIn(page, frontend.url, person.username, person.password);
    await page.click('summary:has-text("Use a recovery code")');
    await page.fill('input[name=recoveryCode]', codes[0]!);
    await Promise.all([page.waitForURL(`${frontend.url}/`), page.click('button:has-text("Verify")')]);
    assert.equal(await page.locator('button:has-text("Log out")').count(), 1, 'logged in with a recovery code');

    // Another code turns 2FA off without the app.
    await page.goto(`${frontend.url}/account`);
    await page.fill('#two-factor input[name=password]', person.password);
    await page.click('#two-factor summary:has-text("Use a recovery code")');
    await page.fill('#two-factor input[name=recoveryCode]', codes[1]!);
    await page.click('button:has-text("Turn off")');
    assert.match((await page.textContent('.notice.ok')) ?? '', /off/);
    await context.close();
  });

  it('gives admins the users and their roles, the waiting withdrawals and the ledger', async () => {
    const admin = await signUp('adm');
    await stack.makeAdmin(admin.person.username, admin.person.password);
    const other = await signUp('admother');
    await stack.fund(other.id, '1');
    const withdrawal = await stack.api('POST', '/withdraw', {
      token: await tokenOf(other.person),
      headers: { 'idempotency-key': `admin-page-${other.id}` },
      body: { address: ADDRESS, amount: '0.5' },
    });
    assert.equal(withdrawal.status, 202);

    const page = admin.page;
    await logOut(page, frontend.url);
    await logIn(page, frontend.url, admin.person.username, admin.person.password);
    await page.goto(`${frontend.url}/admin/users?q=${other.person.username}`);
    const row = page.locator(`tr[data-user="${other.person.username}"]`);
    await row.locator('select[name=role]').selectOption('moderator');
    await row.locator('button:has-text("Change role")').click();
    await page.waitForURL(/\/admin\/users$/);
    assert.match((await page.textContent('.notice.ok')) ?? '', /role of user #\d+ is changed/);
    const changed = await stack.login.prisma.user.findFirstOrThrow({ where: { username: other.person.username } });
    assert.equal(changed.role, 'moderator');
    await screenshot(page, 'admin-users');

    await page.goto(`${frontend.url}/admin/withdrawals`);
    assert.equal(await page.locator(`tr[data-withdrawal="${withdrawal.body.id}"]`).count(), 1, 'the pending withdrawal is listed');
    assert.match((await page.textContent('[data-table=pending-withdrawals]')) ?? '', /0\.5 XMR/);
    await page.goto(`${frontend.url}/admin/ledger`);
    assert.match((await page.textContent('[data-invariants]')) ?? '', /sums to zero/);
    await screenshot(page, 'admin-ledger');
    const stranger = await other.context.newPage();
    assert.equal((await stranger.goto(`${frontend.url}/admin/ledger`))?.status(), 404, 'a non-admin finds no admin page');
    await Promise.all([admin.context.close(), other.context.close()]);
  });

  /** A bearer token of the person's own, to read what the API holds. */
  async function tokenOf(person: { username: string; password: string }): Promise<string> {
    const login = await stack.api('POST', '/auth/login', { body: { identifier: person.username, password: person.password } });
    return login.body.accessToken;
  }
});
