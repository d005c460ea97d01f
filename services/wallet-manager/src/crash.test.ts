import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { keyEnvironment } from '@pupero/shared/key-plan';
import { freePort } from '@pupero/shared/testing';
import { type Chain, eventually, RPC_PASSWORD, RPC_USER, startChain, walletEnv } from '@pupero/test-stack/chain';
import { type LedgerStack, type StackContext, startLedgerStack } from '@pupero/test-stack/ledger';
import { openPlatformWallet } from './monero/wallet.ts';

const server = fileURLToPath(new URL('./server.ts', import.meta.url));

/**
 * `kill -9` of the wallet manager in the middle of a withdrawal, then a restart: the outside wallet
 * receives the amount once. The real service runs as a child process; it kills itself (SIGKILL)
 * at the named point, which is the only way to hit that exact moment every time.
 */
describe('withdrawals survive kill -9 of the wallet manager', () => {
  let chain: Chain;
  let stack: LedgerStack;
  let context: StackContext;
  let port: number;
  let child: ChildProcess | undefined;

  const startWalletManager = async (crashAt?: 'after-build' | 'after-relay') => {
    // No faucet here: the outside wallet is this test's, and a faucet would close it on shutdown.
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
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child!.once('exit', (_code, signal) => resolve(signal)));
    return { exited };
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
    // Create the platform wallet and give it spendable coins before the service first opens it.
    const platform = await openPlatformWallet({
      url: chain.platformRpc.url,
      username: RPC_USER,
      password: RPC_PASSWORD,
      walletName: 'platform',
      walletPassword: 'platform-wallet-password',
    });
    await chain.mine(70, await platform.getPrimaryAddress());
  });
  after(async () => {
    child?.kill('SIGKILL');
    await stack?.close();
    await chain?.stop();
  });

  for (const crashAt of ['after-build', 'after-relay'] as const) {
    it(`sends once when killed ${crashAt.replace('-', ' ')}`, async () => {
      const user = await stack.signUp('kx');
      await stack.fund(user.id, '5');
      const destination = await chain.external.createSubaddress(0, crashAt);
      const { exited } = await startWalletManager(crashAt);
      const requested = await stack.api('POST', '/withdraw', {
        token: user.token,
        headers: { 'idempotency-key': crashAt },
        body: { address: destination.getAddress(), amount: '1.5' },
      });
      assert.equal(requested.status, 202);
      assert.equal(await exited, 'SIGKILL', 'the wallet manager died mid-send');
      // The wallet manager's own table, read as the admin (the ledger's user may not).
      const [send] = await stack.login.db.query('SELECT state, tx_hash AS txHash FROM wallet_sends WHERE withdrawal_id = ?', [
        requested.body.id,
      ]);
      assert.equal(send.state, 'BUILT', 'the built transaction was stored before anything else');
      const inPool = (await chain.poolHashes()).includes(send.txHash);
      assert.equal(inPool, crashAt === 'after-relay', crashAt === 'after-relay' ? 'it had left' : 'it had not left yet');

      const restarted = await startWalletManager();
      const sent = await eventually(
        async () => {
          const w = (await stack.api('GET', `/withdrawals/${requested.body.id}`, { token: user.token })).body;
          return w.state === 'SENT' ? w : undefined;
        },
        90,
        'the withdrawal to be sent after the restart',
      );
      assert.equal(sent.txHash, send.txHash, 'the stored transaction, not a new one');
      await chain.mine(2);
      const received = await eventually(
        async () => {
          await chain.external.sync();
          const transfers = await chain.external.getTransfers({
            isIncoming: true,
            accountIndex: 0,
            subaddressIndex: destination.getIndex(),
          });
          const confirmed = transfers.filter((t) => t.getTx().getIsConfirmed());
          return confirmed.length > 0 ? confirmed : undefined;
        },
        60,
        'the outside wallet to receive',
      );
      assert.deepEqual(
        received.map((t) => [t.getAmount(), t.getTx().getHash()]),
        [[1_500_000_000_000n, send.txHash]],
        'received exactly once',
      );
      child!.kill('SIGTERM');
      await restarted.exited;
    });
  }
});
