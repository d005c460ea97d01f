import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ADDRESS, type LedgerStack, startLedgerStack } from '@pupero/test-stack/ledger';
import { drainQueue, waitFor } from '@pupero/test-stack/queues';

const run = promisify(execFile);
const rabbitmqctl = (command: 'stop_app' | 'start_app') => run('rabbitmqctl', [command], { timeout: 60_000 });

/** The broker goes away while users ask for withdrawals; afterwards each one is published exactly once. */
describe('outbox relay across a broker restart', () => {
  let stack: LedgerStack;
  before(async () => {
    stack = await startLedgerStack();
  });
  after(async () => {
    await rabbitmqctl('start_app');
    await stack.close();
  });

  it('publishes every withdrawal exactly once after the broker comes back', async () => {
    const user = await stack.signUp('br');
    await stack.fund(user.id, '100');
    const ids: string[] = [];
    const requestSome = async (from: number, count: number) => {
      for (let i = from; i < from + count; i += 1) {
        const res = await stack.api('POST', '/withdraw', {
          token: user.token,
          headers: { 'idempotency-key': `br-${i}` },
          body: { address: ADDRESS, amount: '0.1' },
        });
        assert.equal(res.status, 202, JSON.stringify(res.body));
        ids.push(res.body.id);
      }
    };
    await requestSome(0, 5);
    await rabbitmqctl('stop_app');
    assert.equal(stack.deps.broker.isConnected(), false);
    await requestSome(5, 10);
    // A retry of a request made while the broker was down must not publish again either.
    await requestSome(5, 1);
    ids.pop();
    const [unpublished] = await stack.deps.pool.query('SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL');
    assert.ok(Number(unpublished.n) >= 10, 'the withdrawals made while the broker was away wait in the outbox');
    await rabbitmqctl('start_app');
    await waitFor(async () => {
      const [row] = await stack.deps.pool.query('SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL');
      return Number(row.n) === 0 ? true : undefined;
    }, 30_000);
    const messages = await drainQueue(stack.queue, 1500);
    const published = messages.map((m) => m.body.withdrawalId).sort();
    assert.deepEqual(published, [...ids].sort(), 'each withdrawal once, none twice, none lost');
    assert.equal(new Set(published).size, 15);
  });
});
