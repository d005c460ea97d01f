import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testKeys } from '@pupero/shared/testing';
import { ADDRESS, type LedgerStack, startLedgerStack } from '@pupero/test-stack/ledger';
import { publishTo, type Signature, waitFor } from '@pupero/test-stack/queues';

const OTHER_ADDRESS = '48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD';

/**
 * Only the wallet manager's own signature settles or refunds a withdrawal, and only the withdrawal
 * it names, for the address and amount asked for. Everything else sent to the results queue, by
 * anyone with rights on the broker, is dropped and counted; the ledger does not move.
 */
describe('withdrawal results the ledger believes', () => {
  let stack: LedgerStack;
  let keys: ReturnType<typeof testKeys>;
  let asWallet: Signature;
  before(async () => {
    stack = await startLedgerStack();
    keys = testKeys(stack.keys);
    asWallet = { kind: 'withdrawal-result', key: keys.signingKey('wallet-manager'), sender: 'wallet-manager' };
  });
  after(() => stack.close());

  /** `pupero_messages_dropped_total` of the transactions service for `reason`, as Prometheus reads it. */
  const dropped = async (reason: string) => {
    const text = (await stack.service('wallet-manager')('GET', '/metrics')).body as string;
    const line = text.split('\n').find((l) => l.startsWith('pupero_messages_dropped_total{') && l.includes(`reason="${reason}"`));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  const droppedAtLeast = (reason: string, n: number) => waitFor(async () => ((await dropped(reason)) >= n ? true : undefined));

  const withdraw = async (key: string) => {
    const user = await stack.signUp('sr');
    await stack.fund(user.id, '3');
    const res = await stack.api('POST', '/withdraw', {
      token: user.token,
      headers: { 'idempotency-key': key },
      body: { address: ADDRESS, amount: '1' },
    });
    assert.equal(res.status, 202);
    return { user, id: res.body.id as string };
  };
  const stateOf = async (user: { token: string }, id: string) => (await stack.api('GET', `/withdrawals/${id}`, { token: user.token })).body;
  const balanceOf = async (user: { id: number; token: string }) =>
    (await stack.api('GET', `/balances/${user.id}`, { token: user.token })).body.total as string;
  const result = (id: string, body: object) => ({ type: 'withdrawal.result', withdrawalId: id, address: ADDRESS, amount: '1', ...body });
  const sent = (id: string, hash = 'a'.repeat(64)) => result(id, { status: 'SENT', txHash: hash, networkFee: '0.0026' });
  const failed = (id: string) => result(id, { status: 'FAILED', reason: 'forged' });

  it('drops unsigned reports, and reports signed by any key but the wallet manager’s, whoever they claim to be', async () => {
    const { user, id } = await withdraw('forged-1');
    await publishTo(stack.resultsQueue, sent(id));
    await publishTo(stack.resultsQueue, failed(id));
    await publishTo(stack.resultsQueue, 'not even JSON');
    await droppedAtLeast('unsigned', 3);
    const forgers: Signature[] = [
      { kind: 'withdrawal-result', key: keys.signingKey('frontend'), sender: 'wallet-manager' },
      { kind: 'withdrawal-result', key: testKeys().signingKey('wallet-manager'), sender: 'wallet-manager' },
      { kind: 'withdrawal-request', key: keys.signingKey('wallet-manager'), sender: 'wallet-manager' },
    ];
    for (const signature of forgers) await publishTo(stack.resultsQueue, failed(id), signature);
    await droppedAtLeast('unknown-key', 2);
    await droppedAtLeast('bad-signature', 1);
    // The transactions service's own key is no wallet manager's, and offers may not report results.
    await publishTo(stack.resultsQueue, sent(id), {
      kind: 'withdrawal-result',
      key: keys.signingKey('transactions'),
      sender: 'transactions',
    });
    await publishTo(stack.resultsQueue, sent(id), { kind: 'withdrawal-result', key: keys.signingKey('offers'), sender: 'offers' });
    await droppedAtLeast('sender-not-allowed', 2);
    assert.equal((await stateOf(user, id)).state, 'PENDING');
    assert.equal(await balanceOf(user), '1.99', 'neither sent nor refunded');
  });

  it('drops a signed report about another address or amount, or a withdrawal that does not exist', async () => {
    const { user, id } = await withdraw('mismatch-1');
    await publishTo(stack.resultsQueue, { ...failed(id), amount: '2' }, asWallet);
    await publishTo(stack.resultsQueue, { ...sent(id), address: OTHER_ADDRESS }, asWallet);
    await droppedAtLeast('mismatch', 2);
    await publishTo(stack.resultsQueue, sent('999999999'), asWallet);
    await droppedAtLeast('not-found', 1);
    await publishTo(stack.resultsQueue, { ...sent(id), networkFee: 'lots' }, asWallet);
    await droppedAtLeast('malformed', 1);
    assert.equal((await stateOf(user, id)).state, 'PENDING');
    assert.equal(await balanceOf(user), '1.99');
  });

  it('never refunds a withdrawal the wallet reported built, nor settles it with another transaction', async () => {
    const { user, id } = await withdraw('built-1');
    const hash = 'b'.repeat(64);
    await publishTo(stack.resultsQueue, result(id, { status: 'SENDING', txHash: hash }), asWallet);
    await waitFor(async () => ((await stateOf(user, id)).state === 'SENDING' ? true : undefined));
    const conflicts = await dropped('conflict');
    await publishTo(stack.resultsQueue, failed(id), asWallet);
    await publishTo(stack.resultsQueue, sent(id, 'c'.repeat(64)), asWallet);
    await droppedAtLeast('conflict', conflicts + 2);
    assert.equal((await stateOf(user, id)).state, 'SENDING');
    assert.equal(await balanceOf(user), '1.99', 'not refunded');
    await publishTo(stack.resultsQueue, sent(id, hash), asWallet);
    const settled = await waitFor(async () => {
      const w = await stateOf(user, id);
      return w.state === 'SENT' ? w : undefined;
    });
    assert.equal(settled.txHash, hash);
    assert.equal(await balanceOf(user), '1.99');
  });
});
