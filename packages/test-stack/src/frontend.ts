import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, createApp, createDeps, type FrontendDeps } from '@pupero/frontend/testing';
import { loadConfig } from '@pupero/shared/config';
import type { KeyRing } from '@pupero/shared/key-plan';
import { testSecret } from '@pupero/shared/testing';
import pino from 'pino';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type OffersStack, startOffersStack } from './offers.ts';

export interface TestFrontend {
  url: string;
  deps: FrontendDeps;
  close(): Promise<void>;
}

/** The real frontend on a free port, in front of a real gateway, with its sessions in the stack's database. */
export async function startFrontend(options: {
  gatewayUrl: string;
  databaseUrl: string;
  /** The stack's keys: the frontend signs with its own. */
  keys: KeyRing;
  env?: Record<string, string>;
}): Promise<TestFrontend> {
  const config = loadConfig(configSchema, {
    GATEWAY_URL: options.gatewayUrl,
    DATABASE_URL: options.databaseUrl,
    SESSION_SECRET: testSecret(),
    SERVICE_SIGNING_KEY: options.keys.services.frontend?.privateKey ?? '',
    MONERO_NETWORK: 'regtest',
    SESSION_COOKIE_SECURE: 'false',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const deps = createDeps(config, pino({ level: 'silent' }));
  const server: Server = createApp(deps).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deps,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await deps.close();
    },
  };
}

/** Debian's Chromium through playwright-core (no downloaded browser), as docs/platform notes say. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Where the tests leave their screenshots, to be looked at by a person. */
export const screenshotDir = (() => {
  const dir = process.env.FRONTEND_SCREENSHOTS ?? join(tmpdir(), 'pupero-frontend-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
})();

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

let counter = 0;
/** A unique, valid account for the registration form. */
export function newPerson(prefix = 'web') {
  counter += 1;
  const username = `${prefix}${process.pid}${counter}${Math.floor(Math.random() * 1e4)}`.slice(0, 32);
  return { username, email: `${username}@example.test`, password: 'correct horse battery staple' };
}

/** Signs up through the form (which also logs in). */
export async function register(page: Page, base: string, person: ReturnType<typeof newPerson>) {
  await page.goto(`${base}/register`);
  await page.fill('input[name=email]', person.email);
  await page.fill('input[name=username]', person.username);
  await page.fill('input[name=password]', person.password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]:has-text("Sign up")')]);
}

/** Clicks "Log out" and waits until the logout has answered (a redirect home) and that page has loaded. */
export async function logOut(page: Page, base: string) {
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${base}/logout` && r.request().method() === 'POST'),
    page.click('button:has-text("Log out")'),
  ]);
  assert.equal(answer.status(), 302, `logout answered ${answer.status()}: ${await answer.text().catch(() => '')}`);
  await page.waitForURL(`${base}/`);
}

export async function logIn(page: Page, base: string, identifier: string, password: string, rememberMe = false) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=identifier]', identifier);
  await page.fill('input[name=password]', password);
  if (rememberMe) await page.check('input[name=rememberMe]');
  await page.click('form[action="/login"] button[type=submit]');
  await page.waitForLoadState('load');
}

/** Every script on the page comes from a file: no inline code, no inline event handlers. */
export async function inlineScripts(page: Page): Promise<number> {
  return page.evaluate(() => {
    const inline = [...document.scripts].filter((s) => !s.src).length;
    const handlers = [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length;
    return inline + handlers;
  });
}

export type { Browser, BrowserContext, Page };

/** What the browser tests start: an offers stack, the frontend in front of its gateway, and Chromium. */
export interface BrowserStack {
  stack: OffersStack;
  frontend: TestFrontend;
  browser: Browser;
  /** A new person signed up through the form, in a browser context of their own (dialogs accepted), with an API token too. */
  signUp(prefix: string): Promise<{ context: BrowserContext; page: Page; person: ReturnType<typeof newPerson>; id: number; token: string }>;
  close(): Promise<void>;
}

export async function startBrowserStack(options: { env?: Record<string, string> } = {}): Promise<BrowserStack> {
  const stack = await startOffersStack(options);
  let frontend: TestFrontend | undefined;
  let browser: Browser;
  try {
    frontend = await startFrontend({ gatewayUrl: stack.gatewayUrl, databaseUrl: stack.login.db.urlFor('frontend'), keys: stack.keys });
    browser = await launchBrowser();
  } catch (error) {
    // Nothing started here outlives a failed start (the stack's servers would keep the test file alive).
    await frontend?.close();
    await stack.close();
    throw error;
  }
  return {
    stack,
    frontend,
    browser,
    async signUp(prefix) {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on('dialog', (dialog) => dialog.accept());
      const person = newPerson(prefix);
      await register(page, frontend.url, person);
      const login = await stack.api('POST', '/auth/login', { body: { identifier: person.username, password: person.password } });
      const { id } = await stack.login.prisma.user.findFirstOrThrow({ where: { username: person.username } });
      return { context, page, person, id, token: login.body.accessToken as string };
    },
    async close() {
      await browser.close();
      await frontend.close();
      await stack.close();
    },
  };
}
