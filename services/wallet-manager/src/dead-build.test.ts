import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { keyEnvironment } from '@pupero/shared/key-plan';
import { freePort } from '@pupero/shared/testing';
import { type Chain, eventually, RPC_PASSWORD, RPC_USER, startChain, walletEnv } from '@pupero/test-stack/chain';
import { type LedgerStack, type StackContext, startLedgerStack } from '@pupero/test-stack/ledger';
import { keyImageSpentStatuses } from './monero/daemon.ts';
import { openPlatformWallet, type Wallet } from './monero/wallet.ts';

const server = fileURLToPath(new URL('./server.ts', import.meta.url));

/**
 * A withdrawal built and stored, then its wallet manager dies before the relay; meanwhile another
 * send spends the same outputs and is mined. The stored build can never be mined: it is built again,
 * but only once the other send is WITHDRAWAL_REBUILD_DEPTH (10) blocks deep. The outside wallet
 * receives the amount once, and the ledger settles it once.
 */
describe('a built withdrawal whose inputs another send spent', () => {
  let chain: Chain;
  let stack: LedgerStack;
  let context: StackContext;
  let platform: Wallet;
  let port: number;
  let child: ChildProcess | undefined;

  const startWalletManager = (crashAt?: 'after-build') => {
    const { REGTEST_FAUCET_WALLET_RPC_URL: _faucet, ...wallet } = walletEnv(chain);
    const env = {
      ...process.env,
      ...keyEnvironment(context.keys, 'wallet-manager'),
      ...wallet,
      DATABASE_URL: context.databaseUrlFor('wallet'),
      RABBITMQ_URL: context.brokerUrls['wallet-manager'],
      RABBITMQ_QUEUE: context.queue,
      RABBITMQ_RESULTS_QUEUE: context.resultsQueue,
      TRANSACTIONS_SERVICE_URL: context.transactionsUrl,
      WALLET_MANAGER_PORT: String(port),
      HOST: '127.0.0.1',
      ...(crashAt ? { CRASH_AT: crashAt } : {}),
    };
    child = spawn(process.execPath, ['--import', 'tsx', server], { env, stdio: 'ignore' });
    return new Promise<NodeJS.Signals | null>((resolve) => child!.once('exit', (_code, signal) => resolve(signal)));
  };
  const sendRow = async (withdrawalId: string) => {
    const [row] = await stack.login.db.query(
      `SELECT state, tx_hash AS txHash, key_images AS keyImages, dead_builds AS deadBuilds, attempts, last_error AS lastError
          FROM wallet_sends WHERE withdrawal_id = ?`,
      [withdrawalId],
    );
    return row;
  };

  before(async () => {
    chain = await startChain();
    port = await freePort();
    stack = await startLedgerStack({
      beside: async (ctx) => {
        context = ctx;
        return { gatewayEnv: { WALLET_MANAGER_SERVICE_URL: `http://127.0.0.1:${port}` }, close: async () => undefined };
      },
    });
    platform = await openPlatformWallet({
      url: chain.platformRpc.url,
      username: RPC_USER,
      password: RPC_PASSWORD,
      walletName: 'platform',
      walletPassword: 'platform-wallet-password',
    });
    // Many unlocked coinbase outputs: a rebuild too early would find coins, so waiting is a decision.
    await chain.mine(70, await platform.getPrimaryAddress());
  });
  after(async () => {
    child?.kill('SIGKILL');
    await stack?.close();
    await chain?.stop();
  });

  it('waits while the other send is shallow, then builds it again once, sent and settled once', async () => {
    const user = await stack.signUp('db');
    await stack.fund(user.id, '5');
    const destination = await chain.external.createSubaddress(0, 'dead-build');
    const died = startWalletManager('after-build');
    const requested = await stack.api('POST', '/withdraw', {
      token: user.token,
      headers: { 'idempotency-key': 'dead-build' },
      body: { address: destination.getAddress(), amount: '1.5' },
    });
    assert.equal(requested.status, 202);
    assert.equal(await died, 'SIGKILL', 'the wallet manager died between build and relay');
    const built = await sendRow(requested.body.id);
    assert.equal(built.state, 'BUILT');
    const keyImages: string[] = built.keyImages.split(',');
    assert.ok(keyImages.length > 0, 'the key images of the build are kept');

    // Another send of the same wallet spends exactly the outputs of the stored build, and is mined.
    await platform.sync();
    const others: string[] = [];
    for (const keyImage of keyImages) {
      const swept = await platform.sweepOutput({ address: chain.externalAddress, keyImage, relay: true });
      others.push(swept.getHash());
    }
    await chain.mine(2);
    assert.deepEqual(
      await keyImageSpentStatuses(chain.daemon.url, keyImages),
      keyImages.map(() => 1),
      'its inputs are spent',
    );

    // Two blocks deep is not enough: the build may still be the one the chain keeps. Relayed again, never rebuilt.
    const stopped = startWalletManager();
    await eventually(async () => (await sendRow(requested.body.id)).attempts >= 3, 60, 'relays of the stored build to fail');
    await new Promise((r) => setTimeout(r, 3000));
    const waiting = await sendRow(requested.body.id);
    assert.equal(waiting.state, 'BUILT');
    assert.equal(waiting.txHash, built.txHash, 'the stored build is kept');
    assert.equal(waiting.deadBuilds, null, 'nothing was built again');
    const pending = (await stack.api('GET', `/withdrawals/${requested.body.id}`, { token: user.token })).body;
    assert.notEqual(pending.state, 'SENT');

    // Ten blocks deep: the stored build can never be mined; the same withdrawal is built once more.
    await chain.mine(8);
    const sent = await eventually(
      async () => {
        const w = (await stack.api('GET', `/withdrawals/${requested.body.id}`, { token: user.token })).body;
        return w.state === 'SENT' ? w : undefined;
      },
      60,
      'the withdrawal to be sent again',
    );
    assert.notEqual(sent.txHash, built.txHash);
    const rebuilt = await sendRow(requested.body.id);
    assert.equal(rebuilt.state, 'RELAYED');
    assert.equal(rebuilt.txHash, sent.txHash);
    const deadLines = rebuilt.deadBuilds.trim().split('\n');
    assert.equal(deadLines.length, 1, 'one dead build, kept as evidence');
    assert.match(
      deadLines[0],
      new RegExp(`^${built.txHash} never mined: input [0-9a-f]{16} spent by (${others.join('|')}) in block \\d+, 10 deep$`),
    );

    await chain.mine(2);
    const received = await eventually(
      async () => {
        await chain.external.sync();
        const transfers = await chain.external.getTransfers({ isIncoming: true, accountIndex: 0, subaddressIndex: destination.getIndex() });
        const confirmed = transfers.filter((t) => t.getTx().getIsConfirmed());
        return confirmed.length > 0 ? confirmed : undefined;
      },
      60,
      'the outside wallet to receive',
    );
    assert.deepEqual(
      received.map((t) => [t.getAmount(), t.getTx().getHash()]),
      [[1_500_000_000_000n, sent.txHash]],
      'received exactly once',
    );
    const [ledger] = await stack.login.db.query(
      `SELECT (SELECT balance FROM accounts WHERE code = 'WITHDRAWALS_PENDING') AS pending,
                 (SELECT COUNT(*) FROM transfers WHERE transfer_key = CONCAT('wset:', ?, ':sent')) AS settlements`,
      [requested.body.id],
    );
    assert.equal(ledger.pending, 0n, 'nothing waits in WITHDRAWALS_PENDING');
    assert.equal(ledger.settlements, 1n, 'settled once');
    child!.kill('SIGTERM');
    await stopped;
  });
});
