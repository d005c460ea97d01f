import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { formatFiat } from '@pupero/shared/fiat';
import { type JsonClient, type JsonResponse, jsonClient } from '@pupero/shared/testing';
import { type OffersStack, startOffersStack } from '@pupero/test-stack/offers';

/** Market prices per currency from three real feeds on 127.0.0.1 (the median is the middle one). */
const FEEDS: Record<string, [number, string, number]> = { eur: [150, '160', 155.5], gbp: [139, '141', 140], chf: [90, '110', 100] };

function startFeeds(): Promise<Server> {
  const server = createServer((req, res) => {
    const [, feed = '', currency = ''] = (req.url ?? '').split('/');
    const value = FEEDS[currency]?.['abc'.indexOf(feed)];
    res.writeHead(value === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ quote: { last: value ?? null } }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const sell = {
  side: 'SELL',
  fiatCurrency: 'EUR',
  paymentMethods: ['SEPA', 'OTHER'],
  otherMethod: 'Bizum',
  priceType: 'FIXED',
  fixedPrice: '155.3',
  minAmount: '0.1',
  maxAmount: '2.5',
  paymentWindowMinutes: 60,
  terms: 'Reference: the trade id only.',
};

describe('the offer book', () => {
  let feeds: Server;
  let stack: OffersStack;
  let offers: JsonClient;
  before(async () => {
    feeds = await startFeeds();
    const base = `http://127.0.0.1:${(feeds.address() as AddressInfo).port}`;
    const PRICE_FEEDS = JSON.stringify(['a', 'b', 'c'].map((feed) => ({ url: `${base}/${feed}/{currency}`, path: 'quote.last' })));
    stack = await startOffersStack({ env: { PRICE_FEEDS, PRICE_CACHE_SECONDS: '3600' } });
    offers = jsonClient(stack.offersUrl);
  });
  after(async () => {
    await stack.close();
    feeds.close();
  });

  it('creates an offer for the caller and shows it to anyone', async () => {
    const owner = await stack.signUp('own');
    assert.equal((await offers('POST', '/offers', { body: sell })).status, 401);
    const created = await offers('POST', '/offers', { token: owner.token, body: sell });
    assert.equal(created.status, 201);
    const { id, createdAt, ...rest } = created.body;
    assert.ok(Number.isInteger(id));
    assert.ok(Math.abs(Date.parse(createdAt) - Date.now()) < 60_000);
    assert.deepEqual(rest, {
      ownerId: owner.id,
      ownerUsername: owner.username,
      side: 'SELL',
      fiatCurrency: 'EUR',
      paymentMethods: ['OTHER', 'SEPA'],
      otherMethod: 'Bizum',
      priceType: 'FIXED',
      fixedPrice: '155.30',
      marginPercent: null,
      price: '155.30',
      minAmount: '0.1',
      maxAmount: '2.5',
      paymentWindowMinutes: 60,
      terms: 'Reference: the trade id only.',
      minTakerCompletedTrades: 0,
      status: 'ACTIVE',
      owner: { username: owner.username, tradesCompleted: 0, positive: 0, neutral: 0, negative: 0 },
      paymentDetails: null,
    });
    const read = await offers('GET', `/offers/${id}`);
    assert.equal(read.status, 200);
    const { paymentDetails: _ownersOnly, ...publicView } = created.body;
    assert.deepEqual(read.body, publicView, 'public: no token needed, and never the payment details');
    assert.equal((await offers('GET', '/offers/999999')).status, 404);
    assert.equal((await offers('GET', '/offers/abc')).status, 400);
  });

  it('refuses every invalid body with a 400 naming the field, and creates nothing', async () => {
    const owner = await stack.signUp('val');
    const cases: [Record<string, unknown>, string][] = [
      [{ ownerId: 1 }, 'body'],
      [{ side: 'HOLD' }, 'body.side'],
      [{ fiatCurrency: 'eur' }, 'body.fiatCurrency'],
      [{ fiatCurrency: 'XAU' }, 'body.fiatCurrency'],
      [{ paymentMethods: [] }, 'body.paymentMethods'],
      [
        {
          paymentMethods: [
            'SEPA',
            'PIX',
            'UPI',
            'WISE',
            'ZELLE',
            'PAYPAL',
            'REVOLUT',
            'INTERAC',
            'GIFT_CARD',
            'CASH_BY_MAIL',
            'SEPA_INSTANT',
          ],
        },
        'body.paymentMethods',
      ],
      [{ paymentMethods: ['SEPA', 'CARRIER_PIGEON'] }, 'body.paymentMethods.1'],
      [{ paymentMethods: ['SEPA', 'SEPA'], otherMethod: undefined }, 'body.paymentMethods'],
      [{ otherMethod: undefined }, 'body.otherMethod'],
      [{ paymentMethods: ['SEPA'] }, 'body.otherMethod'],
      [{ otherMethod: 'x'.repeat(201) }, 'body.otherMethod'],
      [{ priceType: 'FLOATING' }, 'body.priceType'],
      [{ fixedPrice: undefined }, 'body.fixedPrice'],
      [{ marginPercent: '2' }, 'body.marginPercent'],
      [{ fixedPrice: '0' }, 'body.fixedPrice'],
      [{ fixedPrice: 155.3 }, 'body.fixedPrice'],
      [{ fixedPrice: '155.123456789' }, 'body.fixedPrice'],
      [{ priceType: 'MARKET', fixedPrice: undefined }, 'body.marginPercent'],
      [{ priceType: 'MARKET', marginPercent: '2' }, 'body.fixedPrice'],
      ...['-100', '-99.991', '1000.0001', '1e2', '2.00001', ''].map((m): [Record<string, unknown>, string] => [
        { priceType: 'MARKET', fixedPrice: undefined, marginPercent: m },
        'body.marginPercent',
      ]),
      [{ minAmount: '0' }, 'body.minAmount'],
      [{ minAmount: '-1' }, 'body.minAmount'],
      [{ minAmount: '0.0000000000001' }, 'body.minAmount'],
      [{ maxAmount: undefined }, 'body.maxAmount'],
      [{ minAmount: '3', maxAmount: '2.5' }, 'body.minAmount'],
      [{ paymentWindowMinutes: 14 }, 'body.paymentWindowMinutes'],
      [{ paymentWindowMinutes: 1441 }, 'body.paymentWindowMinutes'],
      [{ paymentWindowMinutes: 30.5 }, 'body.paymentWindowMinutes'],
      [{ paymentWindowMinutes: '60' }, 'body.paymentWindowMinutes'],
      [{ terms: 'x'.repeat(2001) }, 'body.terms'],
      ...[-1, 1001, 1.5, '3'].map((n): [Record<string, unknown>, string] => [
        { minTakerCompletedTrades: n },
        'body.minTakerCompletedTrades',
      ]),
    ];
    for (const [change, path] of cases) {
      const res = await offers('POST', '/offers', { token: owner.token, body: { ...sell, ...change } });
      const label = JSON.stringify(change).slice(0, 80);
      assert.equal(res.status, 400, label);
      assert.deepEqual(Object.keys(res.body).sort(), ['code', 'details', 'message', 'statusCode'], label);
      assert.equal(res.body.code, 'VALIDATION_FAILED', label);
      assert.ok(
        res.body.details.some((d: { path: string }) => d.path === path),
        `${label}: ${JSON.stringify(res.body.details)}`,
      );
    }
    const edges = [
      { priceType: 'MARKET', fixedPrice: undefined, marginPercent: '-99.99' },
      { priceType: 'MARKET', fixedPrice: undefined, marginPercent: '999.9999' },
      { paymentWindowMinutes: 15, minAmount: '2.5', terms: 'x'.repeat(2000) },
      { paymentWindowMinutes: 1440, paymentMethods: ['SEPA'], otherMethod: undefined, terms: undefined },
    ];
    for (const change of edges)
      assert.equal((await offers('POST', '/offers', { token: owner.token, body: { ...sell, ...change } })).status, 201);
    const mine = await offers('GET', '/me/offers', { token: owner.token });
    assert.equal(mine.body.items.length, edges.length, 'only the valid bodies made offers');
  });

  it('accepts a margin of exactly 1000 %, the top of the documented range', async () => {
    const owner = await stack.signUp('top');
    const body = { ...sell, priceType: 'MARKET', fixedPrice: undefined, marginPercent: '1000' };
    const res = await offers('POST', '/offers', { token: owner.token, body });
    assert.equal(res.status, 201, `margin_percent must hold 1000.0000: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.price, '1710.50', '155.5 × 11');
  });

  it('lets only the owner change or close an offer; anyone else gets a 404 and changes nothing', async () => {
    const owner = await stack.signUp('own');
    const other = await stack.signUp('oth');
    const { id } = (await offers('POST', '/offers', { token: owner.token, body: sell })).body;
    const before = (await offers('GET', `/offers/${id}`)).body;
    assert.equal((await offers('PATCH', `/offers/${id}`, { token: other.token, body: { fixedPrice: '1' } })).status, 404);
    assert.equal((await offers('DELETE', `/offers/${id}`, { token: other.token })).status, 404);
    assert.equal((await offers('PATCH', `/offers/${id}`, { body: { fixedPrice: '1' } })).status, 401);
    assert.deepEqual((await offers('GET', `/offers/${id}`)).body, before);

    const patch = (body: unknown) => offers('PATCH', `/offers/${id}`, { token: owner.token, body });
    for (const [body, path] of [
      [{ ownerId: other.id }, 'body'],
      [{ status: 'CLOSED' }, 'body.status'],
      [{}, 'body'],
      [{ priceType: 'MARKET' }, 'body.marginPercent'],
      [{ marginPercent: '1' }, 'body.marginPercent'],
      [{ minAmount: '3' }, 'body.minAmount'],
      [{ paymentMethods: ['SEPA', 'OTHER'], otherMethod: null }, 'body.otherMethod'],
    ] as const) {
      const res = await patch(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(
        res.body.details.some((d: { path: string }) => d.path === path),
        JSON.stringify(res.body),
      );
    }
    assert.deepEqual((await offers('GET', `/offers/${id}`)).body, before, 'refused changes changed nothing');

    const market = await patch({ priceType: 'MARKET', marginPercent: '-1.5', status: 'PAUSED', paymentMethods: ['REVOLUT'], terms: null });
    assert.equal(market.status, 200);
    assert.deepEqual(
      { ...market.body, createdAt: undefined },
      {
        ...before,
        paymentDetails: null,
        createdAt: undefined,
        priceType: 'MARKET',
        fixedPrice: null,
        marginPercent: '-1.5',
        price: '153.1675',
        status: 'PAUSED',
        paymentMethods: ['REVOLUT'],
        otherMethod: null,
        terms: null,
      },
      'switching to MARKET drops the fixed price; dropping OTHER drops its description; 155.5 × 0.985',
    );
    assert.equal((await patch({ status: 'ACTIVE', maxAmount: '10' })).body.maxAmount, '10');
    assert.equal((await patch({ minTakerCompletedTrades: 5 })).body.minTakerCompletedTrades, 5);
    const overflow = await patch({ priceType: 'FIXED', fixedPrice: '999999999999', maxAmount: '2' });
    assert.equal(overflow.status, 400, 'a trade of 2 XMR at that price would not fit the fiat_amount column');
    assert.equal(overflow.body.code, 'BAD_REQUEST');
    assert.match(overflow.body.message, /would cost 1999999999998\.00 EUR, more than the largest amount a trade can record/);
    assert.equal((await offers('GET', `/offers/${id}`)).body.priceType, 'MARKET', 'the refused change changed nothing');

    const closed = await offers('DELETE', `/offers/${id}`, { token: owner.token });
    assert.equal(closed.status, 200);
    assert.equal(closed.body.status, 'CLOSED');
    assert.equal((await offers('DELETE', `/offers/${id}`, { token: owner.token })).body.status, 'CLOSED', 'closing twice is the same');
    const reopen = await patch({ status: 'ACTIVE' });
    assert.equal(reopen.status, 409);
    assert.equal(reopen.body.code, 'CONFLICT');
    assert.equal((await offers('GET', `/offers/${id}`)).body.status, 'CLOSED');
  });

  it("lists the caller's own offers of every status, and only theirs", async () => {
    const owner = await stack.signUp('me');
    const other = await stack.signUp('nme');
    await offers('POST', '/offers', { token: other.token, body: sell });
    const ids: number[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await offers('POST', '/offers', { token: owner.token, body: sell })).body.id);
    await offers('PATCH', `/offers/${ids[1]}`, { token: owner.token, body: { status: 'PAUSED' } });
    await offers('DELETE', `/offers/${ids[2]}`, { token: owner.token });
    const first = await offers('GET', '/me/offers?limit=3', { token: owner.token });
    const second = await offers('GET', `/me/offers?limit=3&cursor=${first.body.nextCursor}`, { token: owner.token });
    assert.equal(second.body.nextCursor, null);
    assert.deepEqual(
      [...first.body.items, ...second.body.items].map((o: { id: number; status: string }) => [o.id, o.status]),
      [
        [ids[4], 'ACTIVE'],
        [ids[3], 'ACTIVE'],
        [ids[2], 'CLOSED'],
        [ids[1], 'PAUSED'],
        [ids[0], 'ACTIVE'],
      ],
    );
    const paused = await offers('GET', '/me/offers?status=PAUSED', { token: owner.token });
    assert.deepEqual(
      paused.body.items.map((o: { id: number }) => o.id),
      [ids[1]],
    );
    assert.equal((await offers('GET', '/me/offers')).status, 401);
  });

  it('prices market offers from the median of the feeds, the same in every view', async () => {
    const owner = await stack.signUp('mkt');
    const body = { ...sell, side: 'BUY', priceType: 'MARKET', fixedPrice: undefined, paymentMethods: ['PIX'], otherMethod: undefined };
    const up = await offers('POST', '/offers', { token: owner.token, body: { ...body, marginPercent: '2' } });
    const down = await offers('POST', '/offers', { token: owner.token, body: { ...body, marginPercent: '-1.2345' } });
    assert.deepEqual((await offers('GET', '/prices/EUR')).body, { fiatCurrency: 'EUR', price: '155.50', source: 'feeds' });
    assert.equal(up.body.price, '158.61', '155.5 × 1.02');
    assert.equal(up.body.marginPercent, '2');
    assert.equal(down.body.price, '153.5803525', '155.5 × 0.987655, exactly');
    const query = 'fiatCurrency=EUR&side=BUY&paymentMethod=PIX';
    const byPrice = await offers('GET', `/offers?${query}&sort=price`);
    const newest = await offers('GET', `/offers?${query}`);
    const pairs = (res: { body: { items: { id: number; price: string }[] } }) => res.body.items.map((o) => [o.id, o.price]);
    assert.deepEqual(pairs(byPrice), [
      [up.body.id, '158.61'],
      [down.body.id, '153.5803525'],
    ]);
    assert.deepEqual(pairs(newest), [
      [down.body.id, '153.5803525'],
      [up.body.id, '158.61'],
    ]);
  });
  it('filters, sorts by price (both ways) or by age, and pages without overlap or gap', async () => {
    const seeded = await seedBook(stack, offers);
    const active = seeded.filter((o) => o.status === 'ACTIVE');
    const sellGbp = active.filter((o) => o.fiatCurrency === 'GBP' && o.side === 'SELL').sort(byPriceThenId(1));
    const buyGbp = active.filter((o) => o.fiatCurrency === 'GBP' && o.side === 'BUY').sort(byPriceThenId(-1));
    assert.ok(sellGbp.length >= 12 && buyGbp.length >= 12, 'enough offers for several pages');
    assert.ok(new Set(sellGbp.map((o) => o.price)).size < sellGbp.length, 'equal prices, so the id decides');

    const cheapestFirst = await walk(offers, 'fiatCurrency=GBP&side=SELL&sort=price', 4);
    assert.deepEqual(cheapestFirst.map(idAndPrice), sellGbp.map(idAndPrice));
    assert.equal(cheapestFirst.pages, Math.ceil(sellGbp.length / 4));
    const highestFirst = await walk(offers, 'fiatCurrency=GBP&side=BUY&sort=price', 5);
    assert.deepEqual(highestFirst.map(idAndPrice), buyGbp.map(idAndPrice));

    const newest = await walk(offers, 'fiatCurrency=GBP', 6);
    const gbp = active.filter((o) => o.fiatCurrency === 'GBP').sort((a, b) => b.id - a.id);
    assert.deepEqual(newest.map(idAndPrice), gbp.map(idAndPrice), 'newest first; PAUSED and CLOSED offers are not listed');

    // The bounds are inclusive, and fall exactly on a fixed (134, 145) and on a market price (138.25 = 140 × 0.9875).
    const fits = (low: bigint, high: bigint) => (o: Seed) =>
      o.methods.includes('SEPA') && o.min <= 30n && o.max >= 30n && o.price >= low && o.price <= high;
    const filtered = await walk(offers, 'fiatCurrency=GBP&side=SELL&sort=price&paymentMethod=SEPA&amount=0.3&minPrice=134&maxPrice=145', 2);
    assert.deepEqual(filtered.map(idAndPrice), sellGbp.filter(fits(13_400_000_000n, 14_500_000_000n)).map(idAndPrice));
    assert.ok(filtered.length >= 4, 'the filters leave something to compare');
    const newestFiltered = await walk(offers, 'fiatCurrency=GBP&paymentMethod=SEPA&amount=0.3&minPrice=138.25&maxPrice=140', 3);
    assert.deepEqual(newestFiltered.map(idAndPrice), gbp.filter(fits(13_825_000_000n, 14_000_000_000n)).map(idAndPrice));
    assert.ok(newestFiltered.some((o) => o.price === '138.25'));
    const chfBuyWise = await walk(offers, 'fiatCurrency=CHF&side=BUY&paymentMethod=WISE&amount=0.3', 2);
    const expected = active.filter((o) => o.fiatCurrency === 'CHF' && o.side === 'BUY' && o.methods.includes('WISE') && o.min <= 30n);
    assert.deepEqual(chfBuyWise.map(idAndPrice), expected.sort((a, b) => b.id - a.id).map(idAndPrice));
    assert.ok(expected.length > 0);

    const first = await offers('GET', '/offers?fiatCurrency=GBP&side=SELL&sort=price&limit=4');
    const again = await offers('GET', `/offers?fiatCurrency=GBP&side=SELL&sort=price&limit=4&cursor=${first.body.nextCursor}`);
    const twice = await offers('GET', `/offers?fiatCurrency=GBP&side=SELL&sort=price&limit=4&cursor=${first.body.nextCursor}`);
    assert.deepEqual(again.body, twice.body, 'a cursor names a position, not a session');
  });

  it('refuses list queries that have no defined order or meaning', async () => {
    const newestCursor = (await offers('GET', '/offers?limit=1')).body.nextCursor;
    assert.ok(newestCursor);
    for (const [query, path] of [
      ['sort=price&side=SELL', 'querystring.fiatCurrency'],
      ['sort=price&fiatCurrency=GBP', 'querystring.side'],
      ['minPrice=100', 'querystring.fiatCurrency'],
      ['fiatCurrency=GBP&minPrice=150&maxPrice=140', 'querystring.minPrice'],
      ['limit=51', 'querystring.limit'],
      ['limit=0', 'querystring.limit'],
      ['amount=-1', 'querystring.amount'],
      ['paymentMethod=CARRIER_PIGEON', 'querystring.paymentMethod'],
      ['fiatCurrency=gbp', 'querystring.fiatCurrency'],
      ['sort=cheapest', 'querystring.sort'],
      ['owner=1', 'querystring'],
      ['cursor=bm90IGpzb24', 'querystring.cursor'],
      [`fiatCurrency=GBP&side=SELL&sort=price&cursor=${newestCursor}`, 'querystring.cursor'],
    ]) {
      const res = await offers('GET', `/offers?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(res.body.code, 'VALIDATION_FAILED', query);
      assert.ok(
        res.body.details.some((d: { path: string }) => d.path === path),
        `${query}: ${JSON.stringify(res.body.details)}`,
      );
    }
  });
});

interface Seed {
  id: number;
  side: string;
  fiatCurrency: string;
  methods: string[];
  /** Amounts in 0.01 XMR, the price scaled by 10^8 as the offer book computes it. */
  min: bigint;
  max: bigint;
  price: bigint;
  status: string;
}

const MARKET: Record<string, bigint> = { GBP: 140n, CHF: 100n };
/** Margins in hundredths of a percent: −5 %, 0, 5 %, 2.5 %, −1.25 %. */
const MARGINS = [-500n, 0n, 500n, 250n, -125n];

/**
 * 40 offers from three makers: both sides, GBP and CHF, four method sets, fixed prices and market
 * margins that land on the same prices (140 × 1.05 = 147 = a fixed 147, and 140 × 1.05 twice), some paused or closed.
 */
async function seedBook(stack: OffersStack, offers: JsonClient): Promise<Seed[]> {
  const makers = [await stack.signUp('bk'), await stack.signUp('bk'), await stack.signUp('bk')];
  const methodSets = [['SEPA'], ['REVOLUT', 'SEPA'], ['WISE'], ['REVOLUT']];
  const seeded: Seed[] = [];
  for (let i = 0; i < 40; i += 1) {
    const fiatCurrency = i % 5 === 4 ? 'CHF' : 'GBP';
    const market = Math.floor(i / 2) % 2 === 1;
    const margin = MARGINS[Math.floor(i / 4) % MARGINS.length]!;
    const fixed = 133 + ((i * 7) % 15);
    const methods = methodSets[Math.floor(i / 3) % 4]!;
    const min = BigInt(10 * (1 + (i % 3)));
    const max = BigInt(100 * (1 + (i % 4)));
    const body = {
      side: i % 2 ? 'BUY' : 'SELL',
      fiatCurrency,
      paymentMethods: methods,
      priceType: market ? 'MARKET' : 'FIXED',
      ...(market ? { marginPercent: String(Number(margin) / 100) } : { fixedPrice: String(fixed) }),
      minAmount: String(Number(min) / 100),
      maxAmount: String(Number(max) / 100),
      paymentWindowMinutes: 30,
    };
    const res = await offers('POST', '/offers', { token: makers[i % 3]!.token, body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const price = market ? (MARKET[fiatCurrency]! * 100_000_000n * (10_000n + margin)) / 10_000n : BigInt(fixed) * 100_000_000n;
    seeded.push({ id: res.body.id, side: body.side, fiatCurrency, methods, min, max, price, status: 'ACTIVE' });
  }
  for (const [i, offer] of seeded.entries()) {
    const token = makers[i % 3]!.token;
    if (i % 9 === 4) offer.status = (await offers('PATCH', `/offers/${offer.id}`, { token, body: { status: 'PAUSED' } })).body.status;
    if (i % 11 === 7) offer.status = (await offers('DELETE', `/offers/${offer.id}`, { token })).body.status;
  }
  assert.ok(seeded.some((o) => o.status === 'PAUSED') && seeded.some((o) => o.status === 'CLOSED'));
  return seeded;
}

const byPriceThenId = (direction: 1 | -1) => (a: Seed, b: Seed) =>
  direction * (a.price === b.price ? a.id - b.id : a.price < b.price ? -1 : 1);

const idAndPrice = (o: { id: number; price: bigint | string }) => [o.id, typeof o.price === 'bigint' ? formatFiat(o.price) : o.price];

/** Every page of a list, following nextCursor; asserts that no page is over the limit. */
async function walk(offers: JsonClient, query: string, limit: number) {
  const items: { id: number; price: string }[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res: JsonResponse = await offers('GET', `/offers?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.items.length <= limit);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    pages += 1;
  } while (cursor && pages < 100);
  return Object.assign(items, { pages });
}
