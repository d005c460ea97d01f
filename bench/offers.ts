// Offer book benchmark: 10,000 offers (and 20,000 trades, 10,000 feedback rows behind the owners'
// reputations) in a scratch database, the real offers service over HTTP with a local price feed,
// 16 concurrent clients for 10 s per page kind. Run by hand: `pnpm exec tsx bench/offers.ts`.
// Writes bench/results/offers-<time>.json; the figures go into docs/performance.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { buildApp, configSchema, createDeps } from '@pupero/offers/testing';
import { loadConfig } from '@pupero/shared/config';
import { createTestDatabase, testKeys } from '@pupero/shared/testing';
import pino from 'pino';

const CLIENTS = 16;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const OFFERS = Number(process.env.BENCH_OFFERS ?? 10_000);
const USERS = 500;
const MARKET: Record<string, number> = {
  EUR: 150,
  USD: 165,
  GBP: 130,
  CHF: 140,
  CAD: 225,
  AUD: 250,
  SEK: 1750,
  PLN: 650,
  BRL: 900,
  JPY: 25_000,
};
const CURRENCIES = ['EUR', 'EUR', 'EUR', ...Object.keys(MARKET)];
const METHODS = [
  'SEPA',
  'SEPA_INSTANT',
  'BANK_TRANSFER',
  'REVOLUT',
  'WISE',
  'PAYPAL',
  'ZELLE',
  'CASH_BY_MAIL',
  'CASH_IN_PERSON',
  'GIFT_CARD',
];
const PRICE_PAGE = '/offers?side=SELL&fiatCurrency=EUR&paymentMethod=SEPA&amount=0.5&sort=price&limit=20';
const NEWEST_PAGE = '/offers?limit=20';
const NEWEST_FILTERED_PAGE = '/offers?side=SELL&fiatCurrency=EUR&paymentMethod=SEPA&amount=0.5&limit=20';

// A fixed-seed generator (mulberry32), so every run seeds the same book.
let seed = 42;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
const between = (low: number, high: number) => low + random() * (high - low);

async function runFor(seconds: number, clients: number, once: () => Promise<unknown>) {
  const latencies: number[] = [];
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < end) {
        const t = performance.now();
        try {
          await once();
        } catch {
          errors += 1;
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.floor(q * (latencies.length - 1))]! * 100) / 100;
  return { requests: latencies.length, perSecond: Math.round(latencies.length / seconds), p50ms: at(0.5), p99ms: at(0.99), errors };
}

async function insertRows(pool: { query(sql: string, values?: unknown): Promise<unknown> }, head: string, rows: unknown[][]) {
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await pool.query(`${head} VALUES ${chunk.map((r) => `(${r.map(() => '?').join(', ')})`).join(', ')}`, chunk.flat());
  }
}

const db = await createTestDatabase();
const feed = createServer((req, res) => {
  const currency = (req.url ?? '').split('/')[1]?.toUpperCase() ?? '';
  res.writeHead(MARKET[currency] ? 200 : 404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ price: MARKET[currency] ?? null }));
});
await new Promise<void>((resolve) => feed.listen(0, '127.0.0.1', resolve));
const config = loadConfig(configSchema, {
  ...testKeys().env('offers'),
  MONERO_NETWORK: 'regtest',
  DATABASE_URL: db.url,
  TRANSACTIONS_SERVICE_URL: 'http://127.0.0.1:9',
  LOGIN_SERVICE_URL: 'http://127.0.0.1:9',
  PRICE_FEEDS: JSON.stringify([{ url: `http://127.0.0.1:${(feed.address() as AddressInfo).port}/{currency}`, path: 'price' }]),
  LOG_LEVEL: 'silent',
});
const deps = await createDeps(config, pino({ level: 'silent' }));
try {
  const { pool } = deps;
  const users = Array.from({ length: USERS }, (_, i) => [`bench${i}@example.test`, `bench_${i}`, 'x', new Date()]);
  await insertRows(pool, 'INSERT INTO users (email, username, password_hash, updated_at)', users);
  const offers: unknown[][] = [];
  const methods: unknown[][] = [];
  for (let id = 1; id <= OFFERS; id += 1) {
    const currency = pick(CURRENCIES);
    const fixed = random() < 0.5;
    const min = Math.round(between(0.05, 1) * 1e4) / 1e4;
    const status = random() < 0.8 ? 'ACTIVE' : pick(['PAUSED', 'CLOSED']);
    offers.push([
      id,
      1 + Math.floor(random() * USERS),
      pick(['BUY', 'SELL']),
      currency,
      fixed ? 'FIXED' : 'MARKET',
      fixed ? (MARKET[currency]! * between(0.9, 1.1)).toFixed(2) : null,
      fixed ? null : between(-5, 10).toFixed(2),
      BigInt(Math.round(min * 1e4)) * 100_000_000n,
      BigInt(Math.round((min + between(0.5, 10)) * 1e4)) * 100_000_000n,
      pick([15, 30, 60, 120]),
      status,
      new Date(Date.now() - (OFFERS - id) * 60_000),
    ]);
    const own = new Set(
      [currency === 'EUR' && random() < 0.5 ? 'SEPA' : pick(METHODS), pick(METHODS), pick(METHODS)].slice(0, 1 + Math.floor(random() * 3)),
    );
    for (const method of own) methods.push([id, method]);
  }
  await insertRows(
    pool,
    `INSERT INTO offers (id, owner_id, side, fiat_currency, price_type, fixed_price, margin_percent, min_amount, max_amount,
       payment_window_minutes, status, created_at)`,
    offers,
  );
  await insertRows(pool, 'INSERT INTO offer_payment_methods (offer_id, method)', methods);
  const trades: unknown[][] = [];
  for (let i = 0; i < 2 * OFFERS; i += 1) {
    const seller = 1 + Math.floor(random() * USERS);
    const buyer = 1 + ((seller + Math.floor(random() * (USERS - 1))) % USERS);
    const paid = new Date(Date.now() - between(1, 400) * 86_400_000);
    trades.push([
      1 + (i % OFFERS),
      buyer,
      seller,
      1_000_000_000_000n,
      '150',
      '150',
      'EUR',
      'SEPA',
      'COMPLETED',
      paid,
      paid,
      new Date(paid.getTime() + between(1, 120) * 60_000),
    ]);
  }
  await insertRows(
    pool,
    `INSERT INTO trades (offer_id, buyer_id, seller_id, amount, price, fiat_amount, fiat_currency, payment_method, state,
       payment_deadline, paid_at, completed_at)`,
    trades,
  );
  const feedback = trades
    .slice(0, OFFERS)
    .map((t, i) => [i + 1, t[1], t[2], pick(['POSITIVE', 'POSITIVE', 'POSITIVE', 'NEUTRAL', 'NEGATIVE'])]);
  await insertRows(pool, 'INSERT INTO feedback (trade_id, from_user_id, to_user_id, rating)', feedback);
  await pool.query('ANALYZE TABLE offers, offer_payment_methods, trades, feedback, users');

  const app = buildApp(deps, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
    return (await res.json()) as { items: unknown[]; nextCursor: string | null };
  };
  const explain = await explainPages(deps.pool, get);
  const measure = async () => ({
    pricePage: await runFor(SECONDS, CLIENTS, () => get(PRICE_PAGE)),
    newestPage: await runFor(SECONDS, CLIENTS, () => get(NEWEST_PAGE)),
    newestFilteredPage: await runFor(SECONDS, CLIENTS, () => get(NEWEST_FILTERED_PAGE)),
  });
  const pageSizes = { pricePage: (await get(PRICE_PAGE)).items.length, newestPage: (await get(NEWEST_PAGE)).items.length };
  const withMigrationIndexes = await measure();
  // The two indexes proposed for the migration: the price halves then read in index order.
  await pool.query(
    `ALTER TABLE offers ADD INDEX offers_book_fixed_price_idx (status, fiat_currency, side, fixed_price),
       ADD INDEX offers_book_margin_idx (status, fiat_currency, side, margin_percent)`,
  );
  const explainWithProposed = await explainPages(deps.pool, get);
  const withProposedIndexes = await measure();
  await app.close();

  const result = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
    clients: CLIENTS,
    seconds: SECONDS,
    offers: OFFERS,
    activeOffers: offers.filter((o) => o[10] === 'ACTIVE').length,
    trades: trades.length,
    pages: { price: PRICE_PAGE, newest: NEWEST_PAGE, newestFiltered: NEWEST_FILTERED_PAGE },
    pageSizes,
    withMigrationIndexes,
    withProposedIndexes,
    explain,
    explainWithProposed,
  };
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL(`./results/offers-${Date.now()}.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify({ ...result, explain: undefined, explainWithProposed: undefined }, null, 2));
  console.log('EXPLAIN (migration indexes):', JSON.stringify(explain, null, 1));
  console.log('EXPLAIN (proposed indexes):', JSON.stringify(explainWithProposed, null, 1));
} finally {
  await deps.close();
  feed.close();
  await db.drop();
}

/** The plans of the statements one request of each page runs (captured from the pool, then EXPLAINed). */
async function explainPages(pool: typeof deps.pool, get: (path: string) => Promise<unknown>) {
  const plans: Record<string, unknown[]> = {};
  const query = pool.query.bind(pool);
  for (const [name, path] of Object.entries({ price: PRICE_PAGE, newest: NEWEST_PAGE, newestFiltered: NEWEST_FILTERED_PAGE })) {
    const seen: [string, unknown][] = [];
    pool.query = ((sql: string, values?: unknown) => {
      seen.push([sql, values]);
      return query(sql, values);
    }) as typeof pool.query;
    await get(path);
    pool.query = query;
    plans[name] = [];
    for (const [sql, values] of seen) {
      const rows = (await query(`EXPLAIN ${sql}`, values)) as Record<string, unknown>[];
      plans[name]!.push({
        sql: sql.replace(/\s+/g, ' ').slice(0, 120),
        plan: rows.map((r) => [r.id, r.select_type, r.table, r.type, r.key, String(r.rows), r.Extra].join(' | ')),
      });
    }
  }
  return plans;
}
