// Ledger benchmark: transfers per second with 64 concurrent clients, beside a baseline of plain
// single-row UPDATEs on the same MariaDB in the same run. Run by hand: `pnpm bench:ledger`.
// Writes bench/results/ledger-<time>.json; the figures go into docs/performance.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { declareBrokerTopology, defaultBrokerNames } from '@pupero/shared/broker-provisioning';
import { loadConfig } from '@pupero/shared/config';
import { mariadbConfig } from '@pupero/shared/db';
import { createServiceTokenSigner } from '@pupero/shared/service-token';
import { createTestDatabase, testKeys } from '@pupero/shared/testing';
import { buildApp, configSchema, createDeps, ledgerPoolOptions, transfer } from '@pupero/transactions/testing';
import mariadb from 'mariadb';
import pino from 'pino';

const CLIENTS = 64;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 1000);

async function runFor(seconds: number, clients: number, once: (client: number, i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; Date.now() < end; i += 1) {
        const t = performance.now();
        try {
          await once(client, i);
        } catch {
          errors += 1;
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.floor(q * (latencies.length - 1))]! * 100) / 100;
  return { ops: latencies.length, perSecond: Math.round(latencies.length / seconds), p50ms: at(0.5), p99ms: at(0.99), errors };
}

const db = await createTestDatabase();
const pool = mariadb.createPool(mariadbConfig(db.url, { connectionLimit: CLIENTS, ...ledgerPoolOptions }));
try {
  // Accounts with funds; the hot wallet carries the opposite, so the balances still sum to zero.
  const each = 1_000_000_000_000n;
  const values = Array.from({ length: ACCOUNTS }, (_, i) => `('USER:${i + 1}', 'USER', ${i + 1}, ${each})`).join(',');
  await pool.query(`INSERT INTO accounts (code, kind, user_id, balance) VALUES ${values}`);
  await pool.query("UPDATE accounts SET balance = ? WHERE code = 'HOT_WALLET'", [-each * BigInt(ACCOUNTS)]);
  await pool.query('CREATE TABLE bench_rows (id INT PRIMARY KEY, n BIGINT NOT NULL)');
  await pool.query(`INSERT INTO bench_rows VALUES ${Array.from({ length: ACCOUNTS }, (_, i) => `(${i + 1}, 0)`).join(',')}`);
  const pick = () => 1 + Math.floor(Math.random() * ACCOUNTS);
  const pair = () => {
    const a = pick();
    let b = pick();
    while (b === a) b = pick();
    return [a, b] as const;
  };

  const baseline = await runFor(SECONDS, CLIENTS, () => pool.query('UPDATE bench_rows SET n = n + 1 WHERE id = ?', [pick()]));
  const ledger = await runFor(SECONDS, CLIENTS, (c, i) => {
    const [a, b] = pair();
    return transfer(pool, { key: `bench-${c}-${i}`, from: `USER:${a}`, to: `USER:${b}`, amount: 1_000n, kind: 'TRANSFER' });
  });

  // The same movements through the service's HTTP API as offers makes them: a hold for the
  // counterparty, then its post (client and service share this process's CPU).
  const keys = testKeys();
  const brokerUrl = process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  // The service declares nothing on the broker (its user may not): the default topology, as an administrator.
  await declareBrokerTopology(brokerUrl, defaultBrokerNames);
  const config = loadConfig(configSchema, {
    ...keys.env('transactions'),
    MONERO_NETWORK: 'regtest',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: String(CLIENTS),
    RABBITMQ_URL: brokerUrl,
    LOGIN_SERVICE_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'silent',
  });
  const deps = await createDeps(config, pino({ level: 'silent' }));
  const app = buildApp(deps, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const token = createServiceTokenSigner(keys.signingKey('offers'), 'offers');
  const post = async (path: string, body?: object) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'x-service-token': token('transactions'), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (res.status >= 300) throw new Error(String(res.status));
    return (await res.json()) as { id: string };
  };
  const http = await runFor(SECONDS, CLIENTS, async (c, i) => {
    const [a, b] = pair();
    const hold = await post('/holds', { key: `http-${c}-${i}`, account: `USER:${a}`, counterparty: `USER:${b}`, amount: '0.000000001' });
    await post(`/holds/${hold.id}/post`);
  });
  await app.close();
  await deps.close();

  const [sum] = await pool.query('SELECT CAST(SUM(balance) AS CHAR) AS total FROM accounts');
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
    clients: CLIENTS,
    seconds: SECONDS,
    accounts: ACCOUNTS,
    baselineSingleRowUpdate: baseline,
    ledgerTransfer: ledger,
    ledgerTransferOverHttp: http,
    ratioLedgerToBaseline: Math.round((ledger.perSecond / baseline.perSecond) * 1000) / 1000,
    balancesSumAfterwards: sum.total,
  };
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL(`./results/ledger-${Date.now()}.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  await pool.end();
  await db.drop();
}
