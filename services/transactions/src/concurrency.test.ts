import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppError } from '@pupero/shared/errors';
import { formatXmr, parseXmr } from '@pupero/shared/money';
import type { JsonResponse } from '@pupero/shared/testing';
import { type LedgerStack, startLedgerStack } from '@pupero/test-stack/ledger';
import { transfer, transferView } from './ledger/transfer.ts';

const ACCOUNTS = 24;
const random = (n: number) => Math.floor(Math.random() * n);
/** Up to 4 XMR with all 12 decimals in play, so overspends are common. */
const randomAmount = () => formatXmr(BigInt(1 + random(4_000_000)) * 1_000_000n);

describe('ledger under concurrency', () => {
  let stack: LedgerStack;
  const users: number[] = [];
  before(async () => {
    stack = await startLedgerStack({ relay: false });
    for (let i = 0; i < ACCOUNTS; i += 1) users.push((await stack.signUp('cc')).id);
    await Promise.all(users.map((id) => stack.fund(id, formatXmr(BigInt(random(6_000_000)) * 1_000_000n + 1n))));
  });
  after(() => stack.close());

  it('answers every same-key request alike, even when the funds covered only the first', async () => {
    const offers = stack.service('offers');
    for (let round = 0; round < 20; round += 1) {
      const [from, to] = [users[0]!, users[1]!];
      const [row] = await stack.deps.pool.query('SELECT balance - held AS available FROM accounts WHERE code = ?', [`USER:${from}`]);
      if (row.available <= 0n) await stack.fund(from, '1');
      const [fresh] = await stack.deps.pool.query('SELECT balance - held AS available FROM accounts WHERE code = ?', [`USER:${from}`]);
      // The whole available balance, three times at once with one key: one hold, three equal answers.
      const body = { key: `same-${round}`, account: `USER:${from}`, counterparty: `USER:${to}`, amount: formatXmr(fresh.available) };
      const answers = await Promise.all([1, 2, 3].map(() => offers('POST', '/holds', { body })));
      assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 201], JSON.stringify(answers.map((a) => a.body)));
      assert.equal(new Set(answers.map((a) => a.body.id)).size, 1);
    }
  });

  it('keeps every invariant through 400+ concurrent transfers, holds, posts and voids', async () => {
    const offers = stack.service('offers');
    const responses: { op: string; key: string; res: JsonResponse }[] = [];
    const send = async (op: string, key: string, path: string, body?: unknown) => {
      const res = await offers('POST', path, body === undefined ? {} : { body });
      responses.push({ op, key, res });
      return res;
    };
    // Transfers between users have no HTTP route (a service can only place holds for a named
    // counterparty): the ledger's own transfer, as deposits and withdrawals use it, under the same load.
    const sendTransfer = async (body: { key: string; from: string; to: string; amount: string }) => {
      let res: JsonResponse;
      try {
        const record = await transfer(stack.deps.pool, {
          ...body,
          key: `svc:offers:${body.key}`,
          amount: parseXmr(body.amount),
          kind: 'TRANSFER',
        });
        res = { status: record.replayed ? 200 : 201, headers: new Headers(), body: transferView(record) };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        res = { status: error.statusCode, headers: new Headers(), body: { code: error.code } };
      }
      responses.push({ op: 'transfer', key: body.key, res });
      return res;
    };
    const pick = () => users[random(users.length)]!;
    const otherThan = (a: number) => {
      let b = pick();
      while (b === a) b = pick();
      return b;
    };

    // Phase 1: transfers and holds at once; a quarter of them sent twice with the same key.
    const phase1: Promise<unknown>[] = [];
    for (let i = 0; i < 160; i += 1) {
      const from = pick();
      const body = { key: `cc-t1-${i}`, from: `USER:${from}`, to: `USER:${otherThan(from)}`, amount: randomAmount() };
      phase1.push(sendTransfer(body));
      if (i % 4 === 0) phase1.push(sendTransfer(body));
    }
    const holdIds = new Set<string>();
    for (let i = 0; i < 80; i += 1) {
      const account = pick();
      const body = { key: `cc-h-${i}`, account: `USER:${account}`, counterparty: `USER:${otherThan(account)}`, amount: randomAmount() };
      // Whichever of two same-key requests wins answers 201, the other 200 with the same hold.
      const record = (res: JsonResponse) => {
        if (res.status < 300) holdIds.add(res.body.id);
      };
      phase1.push(send('hold', body.key, '/holds', body).then(record));
      if (i % 5 === 0) phase1.push(send('hold', body.key, '/holds', body).then(record));
    }
    await Promise.all(phase1);
    assert.ok(holdIds.size > 10, `some holds were placed (${holdIds.size})`);

    // Phase 2: every hold is posted and voided at the same time (exactly one wins), beside more transfers.
    const phase2: Promise<unknown>[] = [];
    for (const id of holdIds) {
      phase2.push(send('post', `hold:${id}`, `/holds/${id}/post`));
      phase2.push(send('void', `hold:${id}`, `/holds/${id}/void`));
    }
    for (let i = 0; i < 120; i += 1) {
      const from = pick();
      const body = { key: `cc-t2-${i}`, from: `USER:${from}`, to: `USER:${otherThan(from)}`, amount: randomAmount() };
      phase2.push(sendTransfer(body));
    }
    await Promise.all(phase2);

    assert.ok(responses.length >= 400, `${responses.length} requests`);
    const statuses = new Map<number, number>();
    for (const { res } of responses) statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    const serverErrors = responses.filter(({ res }) => res.status >= 500);
    assert.deepEqual(serverErrors, [], 'no 5xx');
    for (const { res } of responses)
      assert.ok([200, 201, 404, 409, 422].includes(res.status), `unexpected ${res.status} ${JSON.stringify(res.body)}`);
    assert.ok((statuses.get(422) ?? 0) > 10, `many overspends were refused: ${JSON.stringify([...statuses])}`);

    const pool = stack.deps.pool;
    const [sum] = await pool.query('SELECT CAST(SUM(balance) AS CHAR) AS total FROM accounts');
    assert.equal(sum.total, '0', 'all balances sum to zero');
    const [bad] = await pool.query("SELECT COUNT(*) AS n FROM accounts WHERE held < 0 OR (kind = 'USER' AND balance - held < 0)");
    assert.equal(Number(bad.n), 0, 'no negative available balance, nothing negatively held');

    // Every balance is exactly what its transfers say, and every held amount what its pending holds say.
    const drift = await pool.query(`
      SELECT a.code FROM accounts a
       WHERE a.balance <> COALESCE((SELECT SUM(amount) FROM transfers WHERE credit_account_id = a.id), 0)
                        - COALESCE((SELECT SUM(amount) FROM transfers WHERE debit_account_id = a.id), 0)
          OR a.held <> COALESCE((SELECT SUM(amount) FROM holds WHERE account_id = a.id AND state = 'PENDING'), 0)`);
    assert.deepEqual(drift, []);

    // Each key moved money at most once, and exactly once where a request with it succeeded.
    const succeeded = new Set(responses.filter((r) => r.op === 'transfer' && r.res.status < 300).map((r) => r.key));
    const stored = await pool.query("SELECT transfer_key AS k FROM transfers WHERE transfer_key LIKE 'svc:offers:cc-t%'");
    assert.deepEqual(new Set(stored.map((r: { k: string }) => r.k.replace('svc:offers:', ''))), succeeded);
    const replays = responses.filter((r) => r.op === 'transfer' && r.res.status === 200);
    for (const r of replays) assert.equal(r.res.body.replayed, true);

    // Each hold resolved exactly once: posted holds have one transfer, voided ones none.
    const holds = await pool.query(
      "SELECT id, state, (SELECT COUNT(*) FROM transfers t WHERE t.transfer_key = CONCAT('hold:', h.id, ':post')) AS posts FROM holds h WHERE hold_key LIKE 'svc:offers:cc-h-%'",
    );
    for (const h of holds) {
      assert.notEqual(h.state, 'PENDING', `hold ${h.id} was resolved`);
      assert.equal(Number(h.posts), h.state === 'POSTED' ? 1 : 0, `hold ${h.id} ${h.state}`);
    }
    for (const id of holdIds) {
      const outcomes = responses.filter((r) => r.key === `hold:${id}`).map((r) => r.res.status);
      assert.deepEqual(outcomes.sort(), [200, 409], `hold ${id}: one of post/void wins, the other is refused`);
    }
  });
});
