import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { oathtoolCode } from '@pupero/shared/testing';
import {
  type Browser,
  inlineScripts,
  launchBrowser,
  logIn,
  logOut,
  newPerson,
  register,
  screenshot,
  startFrontend,
  type TestFrontend,
} from '@pupero/test-stack/frontend';
import { startStack, type TestStack } from '@pupero/test-stack/gateway';

/**
 * Accounts in a real browser: Chromium → the real frontend → the real gateway → the real login
 * service, on a fresh database (which also holds the frontend's sessions).
 */
describe('accounts in the browser', () => {
  let stack: TestStack;
  let frontend: TestFrontend;
  let browser: Browser;
  before(async () => {
    stack = await startStack();
    // As behind a load balancer on loopback: the browser's address comes from its X-Forwarded-For.
    frontend = await startFrontend({
      gatewayUrl: stack.gatewayUrl,
      databaseUrl: stack.login.db.urlFor('frontend'),
      keys: stack.login.keys,
      env: { FRONTEND_TRUST_PROXY: 'loopback' },
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await frontend?.close();
    await stack?.close();
  });

  it('registers, logs out and logs in again; the session cookie is HttpOnly and no token reaches the browser', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const person = newPerson();
    await screenshot(await page.goto(`${frontend.url}/register`).then(() => page), 'register');
    await register(page, frontend.url, person);
    assert.match((await page.textContent('.notice.ok')) ?? '', new RegExp(`Welcome to Pupero, ${person.username}`));
    await screenshot(page, 'home-signed-in');

    const cookies = await context.cookies();
    // pupero_tz: the browser's time zone, set once by app.js for the dates of the pages.
    assert.deepEqual(cookies.map((c) => c.name).sort(), ['pupero', 'pupero_device', 'pupero_tz']);
    const session = cookies.find((c) => c.name === 'pupero');
    assert.equal(session?.httpOnly, true);
    assert.equal(session?.sameSite, 'Lax');
    assert.equal(session?.expires, -1, 'without "remember me" the cookie ends with the browser');
    const device = cookies.find((c) => c.name === 'pupero_device');
    assert.equal(device?.httpOnly, true);
    assert.equal(device?.sameSite, 'Lax');
    const deviceDays = ((device?.expires ?? 0) * 1000 - Date.now()) / 86_400_000;
    assert.ok(Math.abs(deviceDays - 365) < 1, `the device cookie lasts a year: ${deviceDays}`);

    await logOut(page, frontend.url);
    assert.equal(await page.locator('a:has-text("Log in")').count(), 1);
    await logIn(page, frontend.url, person.username, person.password, true);
    assert.equal(await page.locator('button:has-text("Log out")').count(), 1);
    const remembered = (await context.cookies()).find((c) => c.name === 'pupero');
    const days = ((remembered?.expires ?? 0) * 1000 - Date.now()) / 86_400_000;
    // Within a minute of 30 days: the browser's and the server's clocks are read at slightly different moments.
    assert.ok(Math.abs(days - 30) < 60 / 86_400, `"remember me" keeps the cookie for REMEMBER_ME_DAYS: ${days}`);

    const pages: string[] = [];
    for (const path of ['/', '/account', '/wallet', '/trades', '/my/offers']) {
      await page.goto(`${frontend.url}${path}`);
      pages.push(await page.content());
      assert.equal(await inlineScripts(page), 0, `no inline script on ${path}`);
    }
    const storage = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    const row = await frontend.deps.prisma.frontendSession.findFirstOrThrow({ where: { data: { contains: person.username } } });
    const { auth } = JSON.parse(row.data);
    for (const token of [auth.accessToken, auth.refreshToken]) {
      assert.ok(token.length > 20);
      for (const html of pages) assert.ok(!html.includes(token), 'no token in any page');
      assert.ok(!storage.includes(token), 'no token in localStorage or sessionStorage');
      for (const cookie of await context.cookies()) assert.ok(!cookie.value.includes(token), 'no token in a cookie');
    }
    await context.close();
  });

  it('stores the session before a redirect leaves, once: with a slow session store the next page shows the welcome and its forms work', async () => {
    // As a loaded database: a write of a session holding a one-time message takes a second more.
    // Without the save before the redirect, the home page reads the session before the welcome is
    // stored; with a second save at the response's end, that late copy lands over the token of the
    // home page's forms, and logging out answers 403.
    const slow = await startFrontend({
      gatewayUrl: stack.gatewayUrl,
      databaseUrl: stack.login.db.urlFor('frontend'),
      keys: stack.login.keys,
    });
    const store = slow.deps.sessionStore;
    const set = store.set.bind(store);
    store.set = (sid, session, done) => void setTimeout(() => set(sid, session, done), session.flash ? 1000 : 0);
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const person = newPerson('slow');
      await register(page, slow.url, person);
      assert.match((await page.textContent('.notice.ok', { timeout: 5000 })) ?? '', new RegExp(`Welcome to Pupero, ${person.username}`));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await logOut(page, slow.url);
    } finally {
      await context.close();
      await slow.close();
    }
  });

  it('turns on two-factor authentication with a code from oathtool; the next login asks for a code', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const person = newPerson('tfa');
    await register(page, frontend.url, person);
    await page.goto(`${frontend.url}/account`);
    await page.fill('#two-factor input[name=password]', 'not my password');
    await page.click('button:has-text("Set up two-factor authentication")');
    assert.match((await page.textContent('#two-factor .notice.error')) ?? '', /password is wrong/, 'a wrong password is refused');
    await page.fill('#two-factor input[name=password]', person.password);
    await page.click('button:has-text("Set up two-factor authentication")');
    const secret = (await page.textContent('[data-totp-secret]'))?.trim() ?? '';
    assert.match(secret, /^[A-Z2-7]+=*$/);
    assert.equal(await page.locator('img.qr').count(), 1, 'the QR code is shown');
    await screenshot(page, 'account-2fa-setup');
    const now = Math.floor(Date.now() / 1000);
    await page.fill('#two-factor input[name=password]', person.password);
    await page.fill('#two-factor input[name=totp]', await oathtoolCode(secret, now));
    await page.click('button:has-text("Turn on")');
    assert.match((await page.textContent('.notice.ok')) ?? '', /Two-factor authentication is on/);

    await logOut(page, frontend.url);
    await logIn(page, frontend.url, person.username, person.password);
    assert.equal(await page.locator('h1:has-text("Two-factor code")').count(), 1, 'the second step asks for the code');
    assert.ok(!(await page.content()).includes(person.password), 'the password is not carried in the page');
    await page.fill('input[name=totp]', '000000');
    await page.click('button:has-text("Verify")');
    assert.match((await page.textContent('.notice.error')) ?? '', /code/i, 'a wrong code is refused on the same step');
    await page.fill('input[name=totp]', await oathtoolCode(secret, now + 30));
    await Promise.all([page.waitForURL(`${frontend.url}/`), page.click('button:has-text("Verify")')]);
    assert.equal(await page.locator('button:has-text("Log out")').count(), 1);
    await context.close();
  });

  it('refreshes an expired access token transparently, and logs out when the refresh is refused', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const person = newPerson('rf');
    await register(page, frontend.url, person);
    const sessions = frontend.deps.prisma.frontendSession;
    const row = async () => sessions.findFirstOrThrow({ where: { data: { contains: person.username } } });
    const edit = async (change: (auth: any) => void) => {
      const { sid, data } = await row();
      const session = JSON.parse(data);
      change(session.auth);
      await sessions.update({ where: { sid }, data: { data: JSON.stringify(session) } });
    };
    const before = JSON.parse((await row()).data).auth;
    await edit((auth) => {
      auth.accessExpiresAt = 0;
    });
    await page.goto(`${frontend.url}/account`);
    assert.equal(new URL(page.url()).pathname, '/account', 'still signed in');
    const after = JSON.parse((await row()).data).auth;
    assert.notEqual(after.refreshToken, before.refreshToken, 'the refresh token rotated');
    assert.ok(after.accessExpiresAt > Date.now());

    await edit((auth) => {
      auth.accessExpiresAt = 0;
      auth.refreshToken = 'revoked-or-unknown';
    });
    await page.goto(`${frontend.url}/account`);
    assert.equal(new URL(page.url()).pathname, '/login', 'a refused refresh logs out');
    assert.equal(await sessions.count({ where: { data: { contains: person.username } } }), 0, 'the session is gone');
    await context.close();
  });

  it('logs out for good: the cookie is cleared, and a request still running cannot write the session back', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const person = newPerson('lo');
    await register(page, frontend.url, person);
    const cookie = (await context.cookies()).find((c) => c.name === 'pupero');
    assert.ok(cookie);
    const sid = decodeURIComponent(cookie.value)
      .replace(/^s:/, '')
      .replace(/\.[^.]*$/, '');
    const store = frontend.deps.sessionStore;
    const loaded = await new Promise<any>((resolve, reject) => store.get(sid, (err, s) => (err ? reject(err) : resolve(s))));
    assert.equal(loaded?.auth?.user?.username, person.username);

    await logOut(page, frontend.url);
    assert.deepEqual(
      (await context.cookies()).map((c) => c.name).sort(),
      ['pupero_device', 'pupero_tz'],
      'the logout clears the session cookie; the device cookie (and the time zone) stay',
    );
    // What express-session does when a request of this session, begun before the logout, ends: save it.
    await new Promise<void>((resolve, reject) => store.set(sid, loaded, (err) => (err ? reject(err) : resolve())));
    const after = await new Promise<any>((resolve, reject) => store.get(sid, (err, s) => (err ? reject(err) : resolve(s))));
    assert.equal(after, null, 'the destroyed session stays destroyed');
    const row = await frontend.deps.prisma.frontendSession.findUniqueOrThrow({ where: { sid } });
    assert.doesNotMatch(row.data, /accessToken|refreshToken/, 'no token is left in the table');
    // The old cookie, kept by an attacker or a stale tab, opens nothing.
    await context.addCookies([cookie]);
    await page.goto(`${frontend.url}/wallet`);
    assert.equal(new URL(page.url()).pathname, '/login');
    await context.close();
  });

  it('refuses a form without its CSRF token with 403, and changes nothing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const person = newPerson('csrf');
    await register(page, frontend.url, person);
    const forged = await context.request.post(`${frontend.url}/account/profile`, {
      form: { username: 'stolen_name', currentPassword: person.password },
      maxRedirects: 0,
    });
    assert.equal(forged.status(), 403);
    assert.match(await forged.text(), /Form expired/);
    const wrong = await context.request.post(`${frontend.url}/account/profile`, {
      form: { username: 'stolen_name', currentPassword: person.password, _csrf: 'not-the-token' },
      maxRedirects: 0,
    });
    assert.equal(wrong.status(), 403);
    const user = await stack.login.prisma.user.findFirstOrThrow({ where: { email: person.email } });
    assert.equal(user.username, person.username, 'the username did not change');
    await context.close();
  });

  it('sends a visitor without a session from /wallet to the login, and back after it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await context.request.get(`${frontend.url}/wallet`, { maxRedirects: 0 });
    assert.equal(response.status(), 302);
    assert.equal(response.headers().location, '/login?next=%2Fwallet');
    await page.goto(`${frontend.url}/wallet`);
    assert.equal(new URL(page.url()).pathname, '/login');
    await screenshot(page, 'login');
    await context.close();
  });

  it("gives login the browser's address, not the frontend's, for its throttle and audit log", async () => {
    const context = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.50' } });
    const page = await context.newPage();
    const person = newPerson('ip');
    await register(page, frontend.url, person);
    await logOut(page, frontend.url);
    await logIn(page, frontend.url, person.username, 'not the password at all');
    assert.match((await page.textContent('.notice.error')) ?? '', /invalid|incorrect|wrong/i);
    assert.equal(await page.inputValue('input[name=identifier]'), person.username, 'the identifier is kept, the password is not');
    assert.equal(await page.inputValue('input[name=password]'), '');
    const user = await stack.login.prisma.user.findFirstOrThrow({ where: { username: person.username } });
    const failure = await stack.login.prisma.auditLog.findFirstOrThrow({ where: { action: 'LOGIN_FAILED', userId: user.id } });
    assert.equal(failure.ip, '203.0.113.50');
    await context.close();
  });

  it('says when to try again after too many failures; a browser that logged in before still gets in', async () => {
    const address = { 'x-forwarded-for': '203.0.113.77' };
    const known = await browser.newContext({ extraHTTPHeaders: address });
    const knownPage = await known.newPage();
    const person = newPerson('dev');
    await register(knownPage, frontend.url, person);
    await logOut(knownPage, frontend.url);

    const stranger = await browser.newContext({ extraHTTPHeaders: address });
    const page = await stranger.newPage();
    // Failures on LOGIN_MAX_ACCOUNTS_PER_ADDRESS (10) accounts from the address: it waits out the 15-minute window.
    for (let i = 0; i < 10; i += 1) await logIn(page, frontend.url, `nobody_${i}_${process.pid}`, 'a wrong password');
    await page.goto(`${frontend.url}/login`);
    await page.fill('input[name=identifier]', person.username);
    await page.fill('input[name=password]', person.password);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${frontend.url}/login` && r.request().method() === 'POST'),
      page.click('form[action="/login"] button[type=submit]'),
    ]);
    assert.equal(answer.status(), 429);
    assert.ok(Number(answer.headers()['retry-after']) > 840, `Retry-After: ${answer.headers()['retry-after']}`);
    assert.equal(((await page.textContent('.notice.error')) ?? '').trim(), 'Too many attempts. Try again in 15 minutes.');
    await screenshot(page, 'login-too-many-attempts');

    const newcomer = newPerson('late');
    await page.goto(`${frontend.url}/register`);
    await page.fill('input[name=email]', newcomer.email);
    await page.fill('input[name=username]', newcomer.username);
    await page.fill('input[name=password]', newcomer.password);
    await page.click('button[type=submit]:has-text("Sign up")');
    assert.equal(
      ((await page.textContent('.notice.error')) ?? '').trim(),
      'Your account is created. Too many attempts. Try again in 15 minutes.',
      'a sign-up from the throttled address keeps its account and says when to log in',
    );
    assert.equal(await stack.login.prisma.user.count({ where: { username: newcomer.username } }), 1);

    await logIn(knownPage, frontend.url, person.username, person.password);
    assert.equal(await knownPage.locator('button:has-text("Log out")').count(), 1, 'the device cookie lets its browser in');
    await known.close();
    await stranger.close();
  });

  it('sends a strict CSP without inline scripts, and the usual security headers', async () => {
    const response = await fetch(`${frontend.url}/login`);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/, 'scripts from our own files only');
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(response.headers.get('x-request-id'));
    assert.doesNotMatch(await response.text(), /<script>|<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('serves /metrics only to private addresses not behind a proxy', async () => {
    const direct = await fetch(`${frontend.url}/metrics`);
    assert.equal(direct.status, 200);
    assert.match(await direct.text(), /http_request_duration_seconds_count\{[^}]*service="frontend"/);
    const proxied = await fetch(`${frontend.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(proxied.status, 404);
  });

  it('reports /healthz: 200 with the gateway and the database, 503 naming the gateway once it is gone', async () => {
    const up = await fetch(`${frontend.url}/healthz`);
    assert.equal(up.status, 200);
    assert.deepEqual(await up.json(), { status: 'ok', checks: { gateway: 'ok', database: 'ok' } });
    await stack.gateway.close();
    const down = await fetch(`${frontend.url}/healthz`);
    assert.equal(down.status, 503);
    assert.deepEqual(await down.json(), { status: 'degraded', checks: { gateway: 'down', database: 'ok' } });
    const page = await fetch(`${frontend.url}/`);
    assert.equal(page.status, 503, 'a page that needs the gateway is a friendly 503');
    const html = await page.text();
    assert.match(html, /Temporarily unavailable/);
    assert.doesNotMatch(html, /at \w+ \(|node_modules|Error:/, 'no stack trace');
  });
});
