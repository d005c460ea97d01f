import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type JsonClient, jsonClient } from '@pupero/shared/testing';
import { type OffersStack, startOffersStack } from '@pupero/test-stack/offers';

/** What a feed answers for a currency: a JSON body, a status, raw text, or nothing for a while. */
type Answer = { status?: number; json?: unknown; raw?: string; delayMs?: number };

/**
 * Four real HTTP price feeds on 127.0.0.1, each with its own JSON shape. Feed c always answers
 * too late (after PRICE_FEED_TIMEOUT_MS), so every price here is the median of at most a, b and d.
 */
const answers: Record<string, Record<string, Answer>> = {
  a: { eur: { json: { price: 150 } }, usd: { json: { price: 160 } }, chf: { status: 500, raw: 'down' } },
  b: { eur: { json: { data: { eur: { last: '152.5' } } } }, usd: { json: { data: { usd: { last: '161' } } } }, chf: { raw: '{"data":' } },
  c: {},
  d: { eur: { json: [{ p: 1000 }] }, usd: { status: 404, raw: 'unknown pair' }, chf: { json: [{ p: 'abc' }] } },
};
const hits: Record<string, number> = { a: 0, b: 0, c: 0, d: 0 };

function startFeeds(): Promise<Server> {
  const server = createServer((req, res) => {
    const [, feed = '', currency = ''] = (req.url ?? '').split('/');
    hits[feed] = (hits[feed] ?? 0) + 1;
    const answer: Answer = feed === 'c' ? { json: { price: 1 }, delayMs: 3000 } : (answers[feed]?.[currency] ?? { status: 503, raw: 'no' });
    setTimeout(() => {
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
      res.end(answer.raw ?? JSON.stringify(answer.json));
    }, answer.delayMs ?? 0);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('market prices', () => {
  let feeds: Server;
  let stack: OffersStack;
  let offers: JsonClient;
  before(async () => {
    feeds = await startFeeds();
    const base = `http://127.0.0.1:${(feeds.address() as AddressInfo).port}`;
    const PRICE_FEEDS = JSON.stringify([
      { url: `${base}/a/{currency}`, path: 'price' },
      { url: `${base}/b/{currency}`, path: 'data.{currency}.last' },
      { url: `${base}/c/{currency}`, path: 'price' },
      { url: `${base}/d/{currency}`, path: '0.p' },
    ]);
    stack = await startOffersStack({ env: { PRICE_FEEDS, PRICE_CACHE_SECONDS: '2', PRICE_FEED_TIMEOUT_MS: '300' } });
    offers = jsonClient(stack.offersUrl);
  });
  after(async () => {
    await stack.close();
    feeds.closeAllConnections();
    feeds.close();
  });

  it('takes the median of the feeds that answer in time, unmoved by an outlier or a hanging feed', async () => {
    const started = Date.now();
    const eur = await offers('GET', '/prices/EUR');
    assert.equal(eur.status, 200);
    assert.deepEqual(eur.body, { fiatCurrency: 'EUR', price: '152.50', source: 'feeds' }, 'the median of 150, "152.5" and 1000');
    assert.ok(Date.now() - started < 1500, 'the hanging feed costs its timeout, not its delay');
    const usd = await offers('GET', '/prices/USD');
    assert.deepEqual(usd.body, { fiatCurrency: 'USD', price: '160.50', source: 'feeds' }, 'two answers: the mean of 160 and 161');
  });

  it('keeps a price for PRICE_CACHE_SECONDS, even when the feeds move, then asks again', async () => {
    for (const feed of ['a', 'b', 'd']) answers[feed]!.gbp = { json: { price: 100, data: { gbp: { last: '100' } } } };
    answers.d!.gbp = { json: [{ p: '100' }] };
    assert.equal((await offers('GET', '/prices/GBP')).body.price, '100.00');
    const asked = hits.a;
    answers.a!.gbp = { json: { price: 200 } };
    answers.b!.gbp = { json: { data: { gbp: { last: '200.00000001' } } } };
    answers.d!.gbp = { json: [{ p: 200 }] };
    const during = await Promise.all([1, 2, 3].map(() => offers('GET', '/prices/GBP')));
    assert.deepEqual(
      during.map((r) => r.body.price),
      ['100.00', '100.00', '100.00'],
    );
    assert.equal(hits.a, asked, 'no feed was asked within the cache period');
    await new Promise((r) => setTimeout(r, 2200));
    assert.equal((await offers('GET', '/prices/GBP')).body.price, '200.00');
    assert.equal(hits.a, asked! + 1);
  });

  it('answers 503 when no feed answers and no fallback is set, then uses the fallback an admin sets', async () => {
    const none = await offers('GET', '/prices/CHF');
    assert.equal(none.status, 503);
    assert.deepEqual(none.body, { statusCode: 503, code: 'SERVICE_UNAVAILABLE', message: 'No market price for CHF' });

    const admin = await stack.signUp('adm');
    const adminToken = await stack.makeAdmin(admin.username, admin.password);
    const user = await stack.signUp('usr');
    const put = (token: string | undefined, body: unknown, currency = 'CHF') =>
      offers('PUT', `/admin/prices/${currency}`, { ...(token ? { token } : {}), body });
    assert.equal((await put(undefined, { price: '140.5' })).status, 401);
    assert.equal((await put(user.token, { price: '140.5' })).status, 403);
    for (const body of [{ price: '0' }, { price: 140.5 }, { price: '1e2' }, { price: '140.123456789' }, { price: '140', note: 'x' }, {}]) {
      const refused = await put(adminToken, body);
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.equal(refused.body.code, 'VALIDATION_FAILED');
    }
    assert.equal((await put(adminToken, { price: '140' }, 'chf')).status, 400, 'currency codes are upper case');
    assert.equal((await offers('GET', '/prices/CHF')).status, 503, 'the refused requests set nothing');

    const set = await put(adminToken, { price: '140.5' });
    assert.equal(set.status, 200);
    assert.equal(set.body.fiatCurrency, 'CHF');
    assert.equal(set.body.price, '140.50');
    assert.deepEqual((await offers('GET', '/prices/CHF')).body, { fiatCurrency: 'CHF', price: '140.50', source: 'fallback' });
    assert.equal((await put(adminToken, { price: '141' })).status, 200);
    assert.deepEqual((await offers('GET', '/prices/CHF')).body, { fiatCurrency: 'CHF', price: '141.00', source: 'fallback' }, 'at once');

    // Offers may only append to the audit log; the test reads it as the admin.
    const audit = await stack.login.db.query(
      "SELECT actor_id AS actorId, ip, details FROM audit_log WHERE action = 'ADMIN_PRICE_FALLBACK' ORDER BY id",
    );
    assert.equal(audit.length, 2, 'one row per change, none for the refused ones');
    assert.equal(audit[1].actorId, admin.id);
    assert.match(audit[1].ip, /127\.0\.0\.1/);
    const details = typeof audit[1].details === 'string' ? JSON.parse(audit[1].details) : audit[1].details;
    assert.deepEqual(details, { fiatCurrency: 'CHF', price: '141.00', previous: '140.50' });
    const [row] = await stack.offers.pool.query(
      "SELECT CAST(price AS CHAR) AS price, updated_by AS by_ FROM price_fallbacks WHERE fiat_currency = 'CHF'",
    );
    assert.deepEqual({ ...row }, { price: '141.00000000', by_: admin.id });

    // A market offer in CHF is priced from the fallback while the feeds are down.
    const maker = await stack.signUp('mk');
    const offer = await offers('POST', '/offers', {
      token: maker.token,
      body: {
        side: 'SELL',
        fiatCurrency: 'CHF',
        paymentMethods: ['WISE'],
        priceType: 'MARKET',
        marginPercent: '10',
        minAmount: '0.1',
        maxAmount: '1',
        paymentWindowMinutes: 60,
      },
    });
    assert.equal(offer.status, 201);
    assert.equal(offer.body.price, '155.10', '141 × 1.10');
  });

  it('ignores the fallback while a feed answers', async () => {
    const admin = await stack.signUp('adm');
    const adminToken = await stack.makeAdmin(admin.username, admin.password);
    assert.equal((await offers('PUT', '/admin/prices/EUR', { token: adminToken, body: { price: '1' } })).status, 200);
    assert.deepEqual((await offers('GET', '/prices/EUR')).body, { fiatCurrency: 'EUR', price: '152.50', source: 'feeds' });
  });

  it('without any market price, still lists fixed offers, shows market offers without a price, and sorts the fixed ones by price', async () => {
    const maker = await stack.signUp('jp');
    const base = {
      side: 'SELL',
      fiatCurrency: 'JPY',
      paymentMethods: ['BANK_TRANSFER'],
      minAmount: '0.1',
      maxAmount: '1',
      paymentWindowMinutes: 30,
    };
    const fixed = await offers('POST', '/offers', { token: maker.token, body: { ...base, priceType: 'FIXED', fixedPrice: '25000' } });
    const market = await offers('POST', '/offers', { token: maker.token, body: { ...base, priceType: 'MARKET', marginPercent: '1' } });
    assert.equal(fixed.status, 201);
    assert.equal(market.status, 201);
    assert.equal(market.body.price, null);
    const listed = await offers('GET', '/offers?fiatCurrency=JPY');
    assert.deepEqual(
      listed.body.items.map((o: { id: number; price: string | null }) => [o.id, o.price]),
      [
        [market.body.id, null],
        [fixed.body.id, '25000.00'],
      ],
    );
    const byPrice = await offers('GET', '/offers?fiatCurrency=JPY&side=SELL&sort=price');
    // A market offer has no price to be placed by: the fixed-price offers are ordered alone.
    assert.equal(byPrice.status, 200);
    assert.deepEqual(
      byPrice.body.items.map((o: { id: number }) => o.id),
      [fixed.body.id],
    );
    assert.equal((await offers('GET', '/prices/JPY')).status, 503);
    assert.equal((await offers('GET', '/prices/XXX')).status, 400);
  });
});
