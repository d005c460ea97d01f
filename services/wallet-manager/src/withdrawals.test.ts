import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatXmr } from '@pupero/shared/money';
import { type Chain, eventually, startChain, startWalletStack, type WalletStack } from '@pupero/test-stack/chain';

describe('withdrawals on a real regtest chain', () => {
  let chain: Chain;
  let stack: WalletStack;
  before(async () => {
    chain = await startChain();
    // A 3-second batching window: requests wait in the consumer, so an admin can run one first.
    stack = await startWalletStack(chain, { RABBITMQ_POLL_INTERVAL_SECONDS: '3' });
    // The platform wallet's own coins (mined, unlocked 60 blocks later) back the users' ledger balances here.
    await chain.mine(70, await stack.wallet.wallet.getPrimaryAddress());
  });
  after(async () => {
    await stack?.close();
    await chain?.stop();
  });

  const receivedAt = async (subaddressIndex: number) => {
    await chain.external.sync();
    const transfers = await chain.external.getTransfers({ isIncoming: true, accountIndex: 0, subaddressIndex });
    return transfers.filter((t) => t.getTx().getIsConfirmed()).map((t) => ({ amount: t.getAmount(), txHash: t.getTx().getHash() }));
  };

  it('sends exactly the amount to an outside wallet, once, and settles the ledger with the fee policy', async () => {
    const user = await stack.signUp('wc');
    await stack.fund(user.id, '10');
    const destination = await chain.external.createSubaddress(0, 'withdrawal-1');
    const feesBefore = (await stack.deps.pool.query("SELECT balance FROM accounts WHERE code = 'FEES'"))[0].balance as bigint;
    const requested = await stack.api('POST', '/withdraw', {
      token: user.token,
      headers: { 'idempotency-key': 'chain-1' },
      body: { address: destination.getAddress(), amount: '2.5' },
    });
    assert.equal(requested.status, 202);
    const sent = await eventually(
      async () => {
        const w = (await stack.api('GET', `/withdrawals/${requested.body.id}`, { token: user.token })).body;
        return w.state === 'SENT' ? w : undefined;
      },
      90,
      'the withdrawal to be sent',
    );
    assert.match(sent.txHash, /^[0-9a-f]{64}$/);
    assert.ok((await chain.poolHashes()).includes(sent.txHash), 'the transaction is in the daemon pool');
    await chain.mine(2);
    const received = await eventually(
      async () => {
        const r = await receivedAt(destination.getIndex());
        return r.length > 0 ? r : undefined;
      },
      60,
      'the outside wallet to receive',
    );
    assert.deepEqual(received, [{ amount: 2_500_000_000_000n, txHash: sent.txHash }]);

    const balance = (await stack.api('GET', `/balances/${user.id}`, { token: user.token })).body;
    assert.equal(balance.total, '7.49', '10 − 2.5 − the 0.01 withdrawal fee');
    const networkFee = BigInt(Math.round(Number(sent.networkFee) * 1e12));
    assert.ok(networkFee > 0n && networkFee < 10_000_000_000n, `network fee ${sent.networkFee}`);
    const feesAfter = (await stack.deps.pool.query("SELECT balance FROM accounts WHERE code = 'FEES'"))[0].balance as bigint;
    assert.equal(formatXmr(feesAfter - feesBefore), formatXmr(10_000_000_000n - networkFee), 'FEES keeps the fee minus the network fee');
  });

  it('lets an admin run a queued withdrawal now; the queue then finds it sent and sends nothing more', async () => {
    const user = await stack.signUp('we');
    await stack.fund(user.id, '3');
    const admin = await stack.signUp('wa');
    const adminToken = await stack.makeAdmin(admin.username, admin.password);
    const destination = await chain.external.createSubaddress(0, 'withdrawal-2');
    const requested = await stack.api('POST', '/withdraw', {
      token: user.token,
      headers: { 'idempotency-key': 'exec-1' },
      body: { address: destination.getAddress(), amount: '1' },
    });
    assert.equal(
      (await stack.api('POST', '/admin/withdraw/execute', { token: user.token, body: { withdrawalId: requested.body.id } })).status,
      403,
    );
    const executed = await eventually(
      async () => {
        const res = await stack.api('POST', '/admin/withdraw/execute', { token: adminToken, body: { withdrawalId: requested.body.id } });
        return res.body.outcome === 'SENT' ? res.body : undefined;
      },
      30,
      'the admin send',
    );
    assert.equal(executed.send.state, 'RELAYED');
    await new Promise((r) => setTimeout(r, 4000)); // the batching window closes; the consumer sees it sent
    await chain.mine(2);
    const received = await eventually(
      async () => {
        const r = await receivedAt(destination.getIndex());
        return r.length > 0 ? r : undefined;
      },
      60,
      'the outside wallet to receive',
    );
    assert.deepEqual(received, [{ amount: 1_000_000_000_000n, txHash: executed.send.txHash }], 'one transaction, not two');
    const audited = await stack.login.prisma.auditLog.count({ where: { action: 'ADMIN_WITHDRAW_EXECUTE', actorId: admin.id } });
    assert.ok(audited >= 1);

    const reconcile = await stack.api('GET', '/admin/wallet/reconcile', { token: adminToken });
    assert.equal(reconcile.status, 200);
    assert.equal(reconcile.body.covered, true);
    const health = await stack.api('GET', '/healthz');
    assert.deepEqual(health.body, { status: 'ok', checks: { login: 'ok', transactions: 'ok', 'wallet-manager': 'ok' } });
  });

  it('funds a user from the regtest faucet; the deposit is credited after its confirmations', async () => {
    const user = await stack.signUp('ft');
    const paid = await stack.api('POST', '/dev/faucet', { token: user.token, body: { amount: '1.25' } });
    assert.equal(paid.status, 200);
    assert.match(paid.body.txHash, /^[0-9a-f]{64}$/);
    await chain.mine(10);
    await eventually(
      async () => {
        const res = await stack.api('GET', `/balances/${user.id}`, { token: user.token });
        return res.body.total === '1.25' ? res.body : undefined;
      },
      60,
      'the faucet deposit to be credited',
    );
  });
});
