import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Chain, eventually, startChain, startWalletStack, type WalletStack } from '@pupero/test-stack/chain';
import { daemonPool } from './monero/daemon.ts';

/**
 * A withdrawal's transaction relayed, then monerod killed at once: the restarted daemon keeps it in
 * its pool `relayed: false` and never broadcasts nor mines it, while the wallet-rpc takes its input
 * for unspent. Every later send built on that input fails to relay (its key image is spent in the
 * pool). The daemon is asked to relay our own stuck transaction: it is mined, the first withdrawal is
 * received once, and the later one is built again once that transaction is 10 blocks deep.
 */
describe('our own send held unrelayed in the daemon pool', () => {
  let chain: Chain;
  let stack: WalletStack;

  const daemonPost = async (path: string, body: object) =>
    (await (await fetch(new URL(path, chain.daemon.url), { method: 'POST', body: JSON.stringify(body) })).json()) as Record<string, any>;
  const sendRow = async (withdrawalId: string) => {
    const [row] = await stack.login.db.query(
      `SELECT state, tx_hash AS txHash, key_images AS keyImages, dead_builds AS deadBuilds, attempts, last_error AS lastError
          FROM wallet_sends WHERE withdrawal_id = ?`,
      [withdrawalId],
    );
    return row;
  };
  const poolTx = async (hash: string) => (await daemonPool(chain.daemon.url)).find((tx) => tx.hash === hash);

  before(async () => {
    chain = await startChain();
    stack = await startWalletStack(chain);
    // The platform wallet holds one output: every send is built on it.
    const platform = await stack.wallet.wallet.getPrimaryAddress();
    await chain.external.createTx({ accountIndex: 0, address: platform, amount: 10_000_000_000_000n, relay: true });
    await chain.mine(11);
  });
  after(async () => {
    await stack?.close();
    await chain?.stop();
  });

  it('relays it, then the later send is built again: each received once', async () => {
    const user = await stack.signUp('pool');
    await stack.fund(user.id, '5');
    const withdraw = async (key: string, amount: string) => {
      const destination = await chain.external.createSubaddress(0, key);
      const requested = await stack.api('POST', '/withdraw', {
        token: user.token,
        headers: { 'idempotency-key': key },
        body: { address: destination.getAddress(), amount },
      });
      assert.equal(requested.status, 202);
      return { id: requested.body.id as string, destination };
    };
    const sentOf = (id: string) =>
      eventually(
        async () => {
          const w = (await stack.api('GET', `/withdrawals/${id}`, { token: user.token })).body;
          return w.state === 'SENT' ? w : undefined;
        },
        60,
        `withdrawal ${id} to be sent`,
      );

    const first = await withdraw('pool-first', '1.5');
    const firstHash: string = (await sentOf(first.id)).txHash;
    assert.equal((await sendRow(first.id)).state, 'RELAYED');

    // What a daemon killed just after the relay comes back with: the transaction in its pool, never
    // relayed; and a wallet-rpc that takes its input for unspent.
    const [held] = (await daemonPost('/get_transactions', { txs_hashes: [firstHash] })).txs;
    await chain.flushPool();
    const wallet = stack.wallet.wallet;
    // The output is spent nowhere now: the wallet asks the daemon, and takes it for unspent again.
    await wallet.rescanSpent();
    assert.equal(await wallet.getUnlockedBalance(0), 10_000_000_000_000n, 'the input of the first send is unspent again');
    const put = await daemonPost('/send_raw_transaction', { tx_as_hex: held.as_hex, do_not_relay: true });
    assert.equal(put.status, 'OK', JSON.stringify(put));
    assert.equal((await poolTx(firstHash))?.relayed, false, 'held in the pool, not relayed');

    // The next send is built on the same input: its relay fails; the daemon relays our stuck one.
    const second = await withdraw('pool-second', '1');
    const stuck = await eventually(
      async () => {
        const row = await sendRow(second.id);
        return row?.state === 'BUILT' && row.attempts >= 2 ? row : undefined;
      },
      60,
      'the second send to fail to relay',
    );
    const firstKeyImages = (await poolTx(firstHash))!.keyImages;
    assert.ok(
      stuck.keyImages.split(',').some((keyImage: string) => firstKeyImages.includes(keyImage)),
      'the second build spends an input of the first',
    );
    await eventually(async () => (await poolTx(firstHash))?.relayed, 30, 'the daemon to relay the first send');

    await chain.mine(1);
    assert.equal(await poolTx(firstHash), undefined, 'the first send is mined');
    // Ten blocks deep, the stuck build can never be mined: built again (on the first send's change).
    await chain.mine(9);
    const resent = await sentOf(second.id);
    assert.notEqual(resent.txHash, stuck.txHash);
    const rebuilt = await sendRow(second.id);
    assert.equal(rebuilt.state, 'RELAYED');
    assert.match(
      rebuilt.deadBuilds,
      new RegExp(`^${stuck.txHash} never mined: input [0-9a-f]{16} spent by ${firstHash} in block \\d+, 10 deep\\n?$`),
    );
    assert.equal((await sendRow(first.id)).txHash, firstHash, 'the first send is still the one stored');

    await chain.mine(2);
    for (const [withdrawal, amount, hash] of [
      [first, 1_500_000_000_000n, firstHash],
      [second, 1_000_000_000_000n, resent.txHash],
    ] as const) {
      const received = await eventually(
        async () => {
          await chain.external.sync();
          const transfers = await chain.external.getTransfers({
            isIncoming: true,
            accountIndex: 0,
            subaddressIndex: withdrawal.destination.getIndex(),
          });
          const confirmed = transfers.filter((t) => t.getTx().getIsConfirmed());
          return confirmed.length > 0 ? confirmed : undefined;
        },
        60,
        'the outside wallet to receive',
      );
      assert.deepEqual(
        received.map((t) => [t.getAmount(), t.getTx().getHash()]),
        [[amount, hash]],
        'received exactly once',
      );
    }
    const [ledger] = await stack.login.db.query(
      `SELECT (SELECT balance FROM accounts WHERE code = 'WITHDRAWALS_PENDING') AS pending,
              (SELECT COUNT(*) FROM transfers WHERE transfer_key IN (CONCAT('wset:', ?, ':sent'), CONCAT('wset:', ?, ':sent'))) AS settlements`,
      [first.id, second.id],
    );
    assert.equal(ledger.pending, 0n, 'nothing waits in WITHDRAWALS_PENDING');
    assert.equal(ledger.settlements, 2n, 'each settled once');
  });
});
