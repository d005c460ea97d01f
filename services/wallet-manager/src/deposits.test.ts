import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Chain, eventually, startChain, startWalletStack, type WalletStack } from '@pupero/test-stack/chain';

const XMR = 1_000_000_000_000n;

describe('deposits on a real regtest chain', () => {
  let chain: Chain;
  let stack: WalletStack;
  before(async () => {
    chain = await startChain();
    stack = await startWalletStack(chain);
  });
  after(async () => {
    await stack?.close();
    await chain?.stop();
  });

  const depositsOf = async (token: string) =>
    (await stack.api('GET', '/wallet/deposits', { token })).body.items as {
      txHash: string;
      confirmations: number;
      state: string;
      amount: string;
    }[];

  it('gives each user one subaddress of their own, created once', async () => {
    const [a, b] = [await stack.signUp('da'), await stack.signUp('db')];
    const first = await stack.api('GET', '/wallet/deposit-address', { token: a.token });
    assert.equal(first.status, 200);
    assert.ok(first.body.subaddressIndex > 0);
    assert.equal(first.body.uri, `monero:${first.body.address}`);
    const again = await Promise.all([1, 2, 3].map(() => stack.api('GET', '/wallet/deposit-address', { token: a.token })));
    for (const res of again) assert.deepEqual(res.body, first.body);
    const other = await stack.api('GET', '/wallet/deposit-address', { token: b.token });
    assert.notEqual(other.body.address, first.body.address);
    assert.notEqual(other.body.subaddressIndex, first.body.subaddressIndex);
    assert.equal((await stack.api('GET', '/wallet/deposit-address')).status, 401);
  });

  it('credits a deposit from an outside wallet exactly once, after 10 confirmations and not before', async () => {
    const user = await stack.signUp('dc');
    const { address } = (await stack.api('GET', '/wallet/deposit-address', { token: user.token })).body;
    const tx = await chain.external.createTx({ accountIndex: 0, address, amount: (3n * XMR) / 2n, relay: true });
    await chain.mine(1);
    const seen = await eventually(
      async () => (await depositsOf(user.token)).find((d) => d.txHash === tx.getHash() && d.confirmations >= 1),
      60,
      'the deposit to be seen',
    );
    assert.equal(seen.state, 'PENDING');
    assert.equal(seen.amount, '1.5');
    const page = (await stack.api('GET', '/wallet/deposits', { token: user.token })).body;
    assert.deepEqual([page.requiredConfirmations, page.secondsPerBlock], [10, 120], "no miner here: Monero's two minutes");
    const listed = page.items.find((d: { txHash: string }) => d.txHash === tx.getHash());
    assert.equal(listed.secondsLeft, (10 - listed.confirmations) * 120, 'the blocks still to come, at the block time');

    await chain.mine(8);
    const nine = await eventually(async () => (await depositsOf(user.token)).find((d) => d.confirmations === 9), 60, '9 confirmations');
    assert.equal(nine.state, 'PENDING', 'not credited at 9 confirmations');
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(
      (await stack.api('GET', `/balances/${user.id}`, { token: user.token })).body.total,
      '0',
      'nothing credited before 10 confirmations',
    );

    await chain.mine(1);
    await eventually(async () => (await depositsOf(user.token)).find((d) => d.state === 'CREDITED'), 60, 'crediting');
    const balance = await stack.api('GET', `/balances/${user.id}`, { token: user.token });
    assert.deepEqual(balance.body, { userId: user.id, available: '1.5', held: '0', total: '1.5' });

    await chain.mine(3);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(
      (await stack.api('GET', `/balances/${user.id}`, { token: user.token })).body.total,
      '1.5',
      'later scans credit nothing more',
    );
    const [credits] = await stack.deps.pool.query("SELECT COUNT(*) AS n FROM transfers WHERE kind = 'DEPOSIT' AND reference = ?", [
      tx.getHash(),
    ]);
    assert.equal(Number(credits.n), 1);
  });

  it('never credits a deposit sent with an unlock time (coins the wallet could not spend)', async () => {
    const user = await stack.signUp('dl');
    const { address } = (await stack.api('GET', '/wallet/deposit-address', { token: user.token })).body;
    const height = await chain.external.getHeight();
    // wallet-rpc's own `transfer`: monero-ts 0.11 does not pass unlock_time on.
    const sent = await chain.external.getRpcConnection()!.sendJsonRequest('transfer', {
      destinations: [{ address, amount: 2_000_000_000_000 }], // 2 XMR: exact as a JSON number (< 2^53)
      unlock_time: height + 100_000,
    });
    const tx = { getHash: () => sent.result.tx_hash as string };
    await chain.mine(11);
    await eventually(
      async () => (await depositsOf(user.token)).find((d) => d.txHash === tx.getHash() && d.confirmations >= 10),
      60,
      '10 confirmations',
    );
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await depositsOf(user.token)).find((d) => d.txHash === tx.getHash())?.state, 'PENDING');
    assert.equal((await stack.api('GET', `/balances/${user.id}`, { token: user.token })).body.total, '0');
  });

  it('never credits a deposit that a reorg dropped before its confirmations', async () => {
    const user = await stack.signUp('dr');
    const { address } = (await stack.api('GET', '/wallet/deposit-address', { token: user.token })).body;
    const tx = await chain.external.createTx({ accountIndex: 0, address, amount: (7n * XMR) / 10n, relay: true });
    // Mined only once the daemon's pool holds it: otherwise the first block may leave it out, and it never reaches 3.
    await eventually(async () => (await chain.poolHashes()).includes(tx.getHash()), 30, 'the deposit in the pool');
    await chain.mine(3);
    await eventually(
      async () => (await depositsOf(user.token)).find((d) => d.txHash === tx.getHash() && d.confirmations === 3),
      60,
      'the deposit at 3 confirmations',
    );

    // Rewind the three blocks and drop the transaction from the pool: it never happened.
    await chain.popBlocks(3);
    await chain.flushPool();
    assert.ok(!(await chain.poolHashes()).includes(tx.getHash()));
    await chain.mine(15);
    await eventually(
      async () => (await depositsOf(user.token)).find((d) => d.txHash === tx.getHash() && d.confirmations === 0),
      60,
      'the dropped deposit to lose its confirmations',
    );
    await new Promise((r) => setTimeout(r, 3000));
    const deposit = (await depositsOf(user.token)).find((d) => d.txHash === tx.getHash());
    assert.equal(deposit?.state, 'PENDING');
    assert.equal((await stack.api('GET', `/balances/${user.id}`, { token: user.token })).body.total, '0');
    const [credits] = await stack.deps.pool.query("SELECT COUNT(*) AS n FROM transfers WHERE kind = 'DEPOSIT' AND reference = ?", [
      tx.getHash(),
    ]);
    assert.equal(Number(credits.n), 0);
  });

  it('shows a deposit below the minimum as dust: never credited, and it does not keep the account open', async () => {
    const user = await stack.signUp('dd');
    const { address } = (await stack.api('GET', '/wallet/deposit-address', { token: user.token })).body;
    // 0.00005 XMR, half the default minimum of 0.0001.
    const tx = await chain.external.createTx({ accountIndex: 0, address, amount: XMR / 20_000n, relay: true });
    await chain.mine(1);
    const seen = await eventually(
      async () => (await depositsOf(user.token)).find((d) => d.txHash === tx.getHash() && d.confirmations >= 1),
      60,
      'the dust deposit to be seen',
    );
    assert.equal(seen.state, 'DUST');
    assert.equal(seen.amount, '0.00005');
    assert.equal((await stack.api('GET', '/wallet/deposits', { token: user.token })).body.minimum, '0.0001');

    await chain.mine(10);
    await eventually(async () => (await depositsOf(user.token)).find((d) => d.confirmations >= 11), 60, '11 confirmations');
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal((await depositsOf(user.token)).find((d) => d.txHash === tx.getHash())?.state, 'DUST');
    assert.equal((await stack.api('GET', `/balances/${user.id}`, { token: user.token })).body.total, '0');
    // What login asks before deleting an account: nothing of this user's money is open.
    const open = await stack.service('login')('GET', `/internal/users/${user.id}/open-money`);
    assert.equal(open.status, 200);
    assert.deepEqual(open.body, { open: false, balance: '0', pendingWithdrawals: 0, pendingDeposits: 0 });
  });
});
