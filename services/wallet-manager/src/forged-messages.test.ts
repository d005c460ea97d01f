import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServiceName } from '@pupero/shared/key-plan';
import { testKeys } from '@pupero/shared/testing';
import { type Chain, eventually, startChain, startWalletStack, type WalletStack } from '@pupero/test-stack/chain';
import { publishTo, type Signature } from '@pupero/test-stack/queues';
import { buildApp } from './app.ts';

/**
 * Someone with every right on the broker (the administrator's URL) forges the messages that move
 * money: a SENT for a withdrawal still waiting to be sent, a FAILED for one the wallet has built,
 * withdrawal requests for an address of their own. Real regtest chain, real services, real
 * RabbitMQ; the forged messages go straight into the queues. Nothing moves but the real withdrawal.
 */
describe('forged money messages on the broker', () => {
  let chain: Chain;
  let stack: WalletStack;
  let keys: ReturnType<typeof testKeys>;
  before(async () => {
    chain = await startChain();
    // A 3-second batching window: a request waits in the wallet manager before anything is built.
    stack = await startWalletStack(chain, { RABBITMQ_POLL_INTERVAL_SECONDS: '3' });
    keys = testKeys(stack.keys);
    await chain.mine(70, await stack.wallet.wallet.getPrimaryAddress());
  });
  after(async () => {
    await stack?.close();
    await chain?.stop();
  });

  /** A service's `pupero_messages_dropped_total` by reason, as Prometheus reads it. */
  const droppedIn = (metrics: string, message: string, reason: string) => {
    const line = metrics
      .split('\n')
      .find(
        (l) => l.startsWith('pupero_messages_dropped_total{') && l.includes(`message="${message}"`) && l.includes(`reason="${reason}"`),
      );
    return line ? Number(line.split(' ').pop()) : 0;
  };
  const ledgerDropped = async (reason: string) =>
    droppedIn((await stack.service('wallet-manager')('GET', '/metrics')).body, 'withdrawal-result', reason);
  const walletDropped = async (reason: string) => {
    const app = buildApp(stack.wallet, { logger: false });
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    await app.close();
    return droppedIn(metrics, 'withdrawal-request', reason);
  };

  const withdraw = async (prefix: string, amount: string) => {
    const user = await stack.signUp(prefix);
    await stack.fund(user.id, '10');
    const destination = await chain.external.createSubaddress(0, prefix);
    const res = await stack.api('POST', '/withdraw', {
      token: user.token,
      headers: { 'idempotency-key': prefix },
      body: { address: destination.getAddress(), amount },
    });
    assert.equal(res.status, 202);
    return { user, destination, id: res.body.id as string, address: destination.getAddress() };
  };
  const withdrawalOf = async (user: { token: string }, id: string) =>
    (await stack.api('GET', `/withdrawals/${id}`, { token: user.token })).body;
  const sendRow = async (id: string | bigint) =>
    (await stack.wallet.pool.query('SELECT state, tx_hash AS txHash FROM wallet_sends WHERE withdrawal_id = ?', [id]))[0] as
      | { state: string; txHash: string }
      | undefined;
  const sentWithdrawal = (user: { token: string }, id: string) =>
    eventually(
      async () => {
        const w = await withdrawalOf(user, id);
        return w.state === 'SENT' ? w : undefined;
      },
      90,
      'the withdrawal to be sent',
    );
  /** Every incoming transfer of the outside wallet's subaddress, in the pool or confirmed, after two more blocks. */
  const receivedAt = async (subaddressIndex: number) => {
    await chain.mine(2);
    await chain.external.sync();
    const transfers = await chain.external.getTransfers({ isIncoming: true, accountIndex: 0, subaddressIndex });
    return transfers.map((t) => ({ amount: t.getAmount(), txHash: t.getTx().getHash(), confirmed: t.getTx().getIsConfirmed() }));
  };
  /** Unsigned, signed with the frontend's key, and with a fresh key, each claiming to be `claimed`. */
  const forgers = (kind: Signature['kind'], claimed: ServiceName): (Signature | undefined)[] => [
    undefined,
    { kind, key: keys.signingKey('frontend'), sender: claimed },
    { kind, key: testKeys().signingKey(claimed), sender: claimed },
  ];
  /** Polls every 10 ms: the moment between the build and the relay is short. */
  const firstSendRow = async (id: string) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const row = await sendRow(id);
      if (row) return row;
      if (Date.now() > deadline) throw new Error(`withdrawal ${id} was never built`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it('ignores a forged SENT for a withdrawal still waiting to be sent: the real one is sent once, not refunded', async (t) => {
    const { user, destination, id, address } = await withdraw('forgesent', '2');
    const published = async () =>
      (await stack.login.db.query('SELECT published_at AS at FROM outbox WHERE message_id = ?', [`withdrawal:${id}`]))[0]?.at;
    await eventually(published, 10, 'the request to be published');
    assert.equal(await sendRow(id), undefined, 'nothing built yet: the request waits in the window');
    const forgedHash = 'f'.repeat(64);
    const forged = {
      type: 'withdrawal.result',
      status: 'SENT',
      withdrawalId: id,
      address,
      amount: '2',
      txHash: forgedHash,
      networkFee: '0.0001',
    };
    const before = { unsigned: await ledgerDropped('unsigned'), unknownKey: await ledgerDropped('unknown-key') };
    for (const signature of forgers('withdrawal-result', 'wallet-manager')) await publishTo(stack.resultsQueue, forged, signature);
    await eventually(
      async () => (await ledgerDropped('unsigned')) > before.unsigned && (await ledgerDropped('unknown-key')) >= before.unknownKey + 2,
      10,
      'the ledger to drop the forged reports',
    );
    const meanwhile = await withdrawalOf(user, id);
    assert.notEqual(meanwhile.state, 'SENT', 'not settled by a forged report');
    t.diagnostic(`the forged SENTs were dropped while the send was ${(await sendRow(id))?.state ?? 'not built yet'}`);

    const sent = await sentWithdrawal(user, id);
    const built = await sendRow(id);
    assert.equal(sent.txHash, built?.txHash, 'the real transaction');
    assert.notEqual(sent.txHash, forgedHash);
    const received = await eventually(async () => {
      const r = await receivedAt(destination.getIndex());
      return r.some((x) => x.confirmed) ? r : undefined;
    }, 60);
    assert.deepEqual(received, [{ amount: 2_000_000_000_000n, txHash: sent.txHash, confirmed: true }], 'received once');
    const balance = (await stack.api('GET', `/balances/${user.id}`, { token: user.token })).body;
    assert.equal(balance.total, '7.99', '10 − 2 − the 0.01 fee, and no refund');
  });

  it('ignores a forged FAILED once the wallet has built the withdrawal, and after it was sent', async (t) => {
    const { user, destination, id, address } = await withdraw('forgefail', '3');
    const forged = { type: 'withdrawal.result', status: 'FAILED', withdrawalId: id, address, amount: '3', reason: 'forged' };
    // Publish the moment the built transaction is stored, before (if the timing allows) its relay.
    const seen = await firstSendRow(id);
    for (const signature of forgers('withdrawal-result', 'wallet-manager')) await publishTo(stack.resultsQueue, forged, signature);
    t.diagnostic(`the first forged FAILEDs were published while the send was ${seen.state}`);
    const sent = await sentWithdrawal(user, id);
    assert.equal(sent.txHash, seen.txHash);
    for (const signature of forgers('withdrawal-result', 'wallet-manager')) await publishTo(stack.resultsQueue, forged, signature);
    // Even the wallet manager's own key cannot refund a withdrawal that was sent.
    const conflicts = await ledgerDropped('conflict');
    await publishTo(stack.resultsQueue, forged, {
      kind: 'withdrawal-result',
      key: keys.signingKey('wallet-manager'),
      sender: 'wallet-manager',
    });
    await eventually(async () => (await ledgerDropped('conflict')) > conflicts, 10, 'the contradiction to be refused');
    await assert.rejects(
      stack.wallet.pool.query("UPDATE wallet_sends SET state = 'FAILED' WHERE withdrawal_id = ?", [id]),
      /a send only moves/,
      'the database never lets a built send be abandoned',
    );

    const received = await eventually(async () => {
      const r = await receivedAt(destination.getIndex());
      return r.some((x) => x.confirmed) ? r : undefined;
    }, 60);
    assert.deepEqual(received, [{ amount: 3_000_000_000_000n, txHash: sent.txHash, confirmed: true }], 'received once');
    assert.equal((await withdrawalOf(user, id)).state, 'SENT');
    const balance = (await stack.api('GET', `/balances/${user.id}`, { token: user.token })).body;
    assert.equal(balance.total, '6.99', '10 − 3 − the 0.01 fee, and no refund');
  });

  it('sends nothing for forged withdrawal requests to an address of the attacker, and counts them', async () => {
    const victim = await stack.signUp('victim');
    const attacker = await chain.external.createSubaddress(0, 'attacker');
    // A withdrawals row the ledger never made (written behind its back), for the attacker's address.
    const planted = await stack.login.db.query(
      "INSERT INTO withdrawals (user_id, idempotency_key, address, amount, fee) VALUES (?, 'planted', ?, 1000000000000, 0)",
      [victim.id, attacker.getAddress()],
    );
    const ids = [String(planted.insertId), '987654321'];
    const before = {
      unsigned: await walletDropped('unsigned'),
      unknownKey: await walletDropped('unknown-key'),
      notAllowed: await walletDropped('sender-not-allowed'),
    };
    for (const withdrawalId of ids) {
      const request = {
        type: 'withdrawal.requested',
        withdrawalId,
        userId: victim.id,
        address: attacker.getAddress(),
        amount: '1',
        requestedAt: new Date().toISOString(),
      };
      for (const signature of forgers('withdrawal-request', 'transactions')) await publishTo(stack.queue, request, signature);
      await publishTo(stack.queue, request, {
        kind: 'withdrawal-request',
        key: keys.signingKey('wallet-manager'),
        sender: 'wallet-manager',
      });
    }
    await publishTo(stack.queue, 'not even JSON');
    await eventually(
      async () =>
        (await walletDropped('unsigned')) >= before.unsigned + 3 &&
        (await walletDropped('unknown-key')) >= before.unknownKey + 4 &&
        (await walletDropped('sender-not-allowed')) >= before.notAllowed + 2,
      15,
      'the wallet manager to drop and count every forged request',
    );
    await new Promise((r) => setTimeout(r, 4000)); // longer than the batching window: nothing was waiting in it
    for (const id of ids) assert.equal(await sendRow(id), undefined, `no send for withdrawal ${id}`);
    assert.deepEqual(await receivedAt(attacker.getIndex()), [], 'the attacker received nothing');
    const [row] = await stack.login.db.query('SELECT state FROM withdrawals WHERE id = ?', [ids[0]]);
    assert.equal(row.state, 'PENDING', 'and nothing was reported about it');
  });
});
