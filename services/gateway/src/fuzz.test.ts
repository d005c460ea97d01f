import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '@pupero/shared/config';
import { testKeys } from '@pupero/shared/testing';
import { ADDRESS } from '@pupero/test-stack/ledger';
import fc from 'fast-check';
import { configSchema } from './config.ts';
import { playBatch, Tally } from './fuzz-run.ts';
import { type FuzzStack, startFuzzStack } from './fuzz-stack.ts';
import type { Snapshot } from './fuzz-store.ts';
import { type Fuzz, fuzzOf } from './fuzz-target.ts';
import { upstreams } from './upstreams.ts';

/** Runs per operation, with a fixed seed: ~1,300 requests in ~15 s. `pnpm fuzz` runs the full size. */
const RUNS = 30;
const SEED = 1212;

/** Bytes straight onto a connection to the gateway, and what came back before it went quiet. */
function raw(gatewayUrl: string, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(new URL(gatewayUrl).port), '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('close', () => resolve(answer));
    setTimeout(() => socket.destroy(), 1_000);
  });
}
const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));

// One stack for the file: its regtest chain is the slowest part to start.
let stack: FuzzStack;
let fuzz: Fuzz;
before(async () => {
  stack = await startFuzzStack();
  fuzz = await fuzzOf(stack);
});
after(async () => {
  await fuzz?.close();
  await stack?.stop();
});

describe('the fuzz from the OpenAPI document, against every public route through the real gateway', () => {
  it('generates from an operation for every route of the gateway table', () => {
    const config = loadConfig(configSchema, {
      ...testKeys().env('gateway'),
      LOGIN_SERVICE_URL: 'http://127.0.0.1:8001',
      TRANSACTIONS_SERVICE_URL: 'http://127.0.0.1:8003',
      OFFERS_SERVICE_URL: 'http://127.0.0.1:8002',
      WALLET_MANAGER_SERVICE_URL: 'http://127.0.0.1:8004',
      LOG_LEVEL: 'silent',
    });
    const routes = upstreams(config).flatMap((upstream) => upstream.routes);
    assert.equal(fuzz.operations.length, routes.length);
  });

  it('answers every request below 500, leaks nothing, refuses in the common shape and stores nothing it refused', async (t) => {
    const tally = new Tally();
    let snapshot: Snapshot | undefined;
    for (const operation of fuzz.operations) {
      await t.test(`${operation.method} ${operation.path}`, async () => {
        const property = fc.asyncProperty(fuzz.requestsFor(operation), async (request) => {
          const before = tally.findings.length;
          snapshot = await playBatch(fuzz.target, [request], tally, snapshot);
          const found = tally.findings.slice(before).map((f) => `${f.problem} → ${f.status} ${f.body}`);
          assert.deepEqual(found, [], `${request.caller} ${request.method} ${request.url} ${request.body ?? ''}`);
        });
        await fc.assert(property, { seed: SEED, numRuns: RUNS, endOnFailure: true });
      });
    }
    const classes = tally.byClass();
    t.diagnostic(`${tally.requests} requests: ${JSON.stringify(classes)}; ${tally.rejectedChecked} refused ones checked for stored rows`);
    assert.ok(tally.rejectedChecked > tally.requests / 2, 'most requests are refused, and each was checked');
    assert.ok((classes['2xx'] ?? 0) > tally.requests / 20, 'well formed requests reach the handlers');
  });
});

describe('what the fuzz found, kept as regressions', () => {
  it('a GET with a body leaves the pooled connection to the service clean: the next request to it is answered', async () => {
    // Before the fix the gateway sent the Content-Length without the body: offers took the next
    // request's first 20 bytes for it, and answered the rest as a malformed request.
    const poison = await raw(
      stack.gatewayUrl,
      `GET /offers HTTP/1.1\r\nHost: x\r\ncontent-type: text/plain\r\ncontent-length: 20\r\n\r\n${'a'.repeat(20)}`,
    );
    assert.match(poison, /^HTTP\/1.1 200/);
    for (let i = 0; i < 3; i += 1) {
      const next = await stack.api('GET', '/offers');
      assert.equal(next.status, 200, JSON.stringify(next.body));
    }
  });

  it('answers what Node cannot parse, headers past 16 KiB and an unknown Expect in the common error shape', async () => {
    const noSlash = await raw(stack.gatewayUrl, 'GET %2Foffers HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.deepEqual(bodyOf(noSlash), { statusCode: 400, code: 'BAD_REQUEST', message: 'The request is malformed' });
    const huge = await raw(stack.gatewayUrl, `GET /offers HTTP/1.1\r\nHost: x\r\nx-huge: ${'b'.repeat(20_000)}\r\n\r\n`);
    assert.deepEqual(bodyOf(huge), { statusCode: 431, code: 'BAD_REQUEST', message: 'The request headers are too large' });
    const expect = await raw(stack.gatewayUrl, 'GET /offers HTTP/1.1\r\nHost: x\r\nexpect: x\r\n\r\n');
    assert.deepEqual(bodyOf(expect), { statusCode: 417, code: 'BAD_REQUEST', message: 'Expect: x is not supported' });
    const head = await raw(stack.gatewayUrl, 'HEAD %2Foffers HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(head, /^HTTP\/1.1 400 .*\r\n\r\n$/s, 'no body to a HEAD');
  });

  it('stores nothing for a refused withdrawal, debit correction or faucet payment of a user the ledger never saw', async () => {
    const fresh = await stack.signUp('nw');
    const count = async (table: string) => Number((await stack.login.db.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
    const before = { accounts: await count('accounts'), addresses: await count('deposit_addresses') };
    const withdrawal = await stack.api('POST', '/withdraw', {
      token: fresh.token,
      headers: { 'idempotency-key': 'fuzz-regression' },
      body: { address: ADDRESS, amount: '0.5' },
    });
    assert.equal(withdrawal.body.code, 'INSUFFICIENT_FUNDS');
    const correction = await stack.api('POST', '/admin/ledger/corrections', {
      token: fuzz.target.tokens.admin, // renewed if the fuzz logged the admin out everywhere
      body: { key: 'fuzz-regression', account: 'USER:999999', direction: 'DEBIT', amount: '1', reason: 'no such user here' },
    });
    assert.equal(correction.body.code, 'INSUFFICIENT_FUNDS');
    const faucet = await stack.api('POST', '/dev/faucet', { token: fresh.token, body: { amount: '1' } });
    assert.deepEqual([faucet.status, faucet.body.code], [422, 'UNPROCESSABLE'], 'nothing is mined: the faucet is empty');
    assert.deepEqual({ accounts: await count('accounts'), addresses: await count('deposit_addresses') }, before);
  });

  it('believes no X-Forwarded-For from a client: a failed login is recorded from the real address', async () => {
    const failed = await stack.api('POST', '/auth/login', {
      headers: { 'x-forwarded-for': '203.0.113.9' },
      body: { identifier: stack.user.username, password: 'a wrong password' },
    });
    assert.equal(failed.status, 401);
    const [row] = await stack.login.db.query("SELECT ip FROM audit_log WHERE action = 'LOGIN_FAILED' ORDER BY id DESC LIMIT 1");
    assert.match(row.ip, /127\.0\.0\.1$/);
  });
});
