import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { keyEnvironment } from '@pupero/shared/key-plan';
import { freePort } from '@pupero/shared/testing';
import { eventually, RPC_PASSWORD, RPC_USER } from '@pupero/test-stack/chain';
import { type LedgerStack, type StackContext, startLedgerStack } from '@pupero/test-stack/ledger';
import { daemonHeight, generateBlocks, popBlocks } from './monero/daemon.ts';
import { postWithDigest } from './monero/digest-http.ts';
import { spawnLeashed } from './regtest/processes.ts';

const launcherEntry = fileURLToPath(new URL('./regtest/cli.ts', import.meta.url));
const serverEntry = fileURLToPath(new URL('./server.ts', import.meta.url));
// Blocks mined by the test itself go to an outside address (Monero's donation address: any valid one will do).
const OUTSIDE = '44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A';

interface HealthBody {
  status: string;
  reason: string | null;
  checks: Record<string, string>;
  walletHeight: number | null;
  daemonHeight: number | null;
}

/**
 * The local stack's chain launcher (monerod, two wallet-rpcs) and the wallet manager run as real
 * processes, as `npm start` runs them, and are killed with SIGKILL all at once: the chain keeps its
 * blocks, and after a restart a new deposit is credited. A wallet ahead of its daemon makes
 * /healthz answer 503 with the cause, and the launcher rescans it at the next start.
 */
describe('the local stack after kill -9', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pupero-unclean-'));
  let stack: LedgerStack;
  let context: StackContext;
  let ports: Record<'daemon' | 'p2p' | 'platform' | 'faucet' | 'walletManager', number>;
  let launcher: ChildProcess | undefined;
  let walletManager: ChildProcess | undefined;
  let launcherLog = '';
  const daemonUrl = () => `http://127.0.0.1:${ports.daemon}`;
  const health = async () => {
    const response = await fetch(`http://127.0.0.1:${ports.walletManager}/healthz`);
    return { status: response.status, body: (await response.json()) as HealthBody };
  };

  const chainEnv = () => ({
    REGTEST_DATA_DIR: path.join(dir, 'regtest'),
    PUPERO_PID_DIR: path.join(dir, 'pids'),
    MONEROD_RPC_PORT: String(ports.daemon),
    MONEROD_P2P_PORT: String(ports.p2p),
    WALLET_RPC_PORT: String(ports.platform),
    REGTEST_FAUCET_WALLET_RPC_PORT: String(ports.faucet),
    MONERO_RPC_USER: RPC_USER,
    MONERO_RPC_PASSWORD: RPC_PASSWORD,
    WALLET_NAME: 'platform',
    WALLET_PASSWORD: 'platform-wallet-password',
    REGTEST_FAUCET_WALLET_NAME: 'faucet',
    REGTEST_FAUCET_WALLET_PASSWORD: 'faucet-wallet-password',
  });

  const startLauncher = async () => {
    launcherLog = '';
    // A killed launcher leaves its ready file behind (npm start removes it the same way).
    rmSync(path.join(dir, 'regtest', 'ready'), { force: true });
    launcher = spawnLeashed(process.execPath, ['--import', 'tsx', launcherEntry], {
      env: { ...process.env, ...chainEnv() },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    launcher.stderr?.on('data', (chunk) => {
      launcherLog += String(chunk);
    });
    const child = launcher;
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`the launcher exited: ${launcherLog}`);
        return existsSync(path.join(dir, 'regtest', 'ready'));
      },
      120,
      'the chain to be ready',
    );
  };

  const startWalletManager = async () => {
    walletManager = spawnLeashed(process.execPath, ['--import', 'tsx', serverEntry], {
      env: {
        ...process.env,
        ...keyEnvironment(context.keys, 'wallet-manager'),
        ...chainEnv(),
        WALLET_RPC_URL: `http://127.0.0.1:${ports.platform}`,
        MONEROD_RPC_URL: daemonUrl(),
        MONERO_NETWORK: 'regtest',
        REGTEST_FAUCET_WALLET_RPC_URL: `http://127.0.0.1:${ports.faucet}`,
        SWEEP_INTERVAL_SECONDS: '1',
        DEPOSIT_CONFIRMATIONS: '10',
        DATABASE_URL: context.databaseUrlFor('wallet'),
        RABBITMQ_URL: context.brokerUrls['wallet-manager'],
        RABBITMQ_QUEUE: context.queue,
        RABBITMQ_RESULTS_QUEUE: context.resultsQueue,
        TRANSACTIONS_SERVICE_URL: context.transactionsUrl,
        WALLET_MANAGER_PORT: String(ports.walletManager),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    });
    return eventually(
      async () => {
        const answer = await health().catch(() => undefined);
        return answer?.status === 200 && answer.body.walletHeight === answer.body.daemonHeight ? answer.body : undefined;
      },
      60,
      'the wallet manager to be healthy and in step',
    );
  };

  /** SIGKILL, all at once: the launcher, monerod and both wallet-rpcs (from the launcher's pid files), the wallet manager. */
  const killEverything = async () => {
    const pidDir = path.join(dir, 'pids');
    const chainPids = readdirSync(pidDir).map((file) => (JSON.parse(readFileSync(path.join(pidDir, file), 'utf8')) as { pid: number }).pid);
    assert.equal(chainPids.length, 3, 'monerod and two wallet-rpcs recorded their pids');
    const pids = [launcher!.pid!, walletManager!.pid!, ...chainPids];
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const alive = (pid: number) => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    await eventually(async () => !pids.some(alive), 20, 'every process to be gone');
  };

  const deposit = async (token: string, amount: string) => {
    const sent = await stack.api('POST', '/dev/faucet', { token, body: { amount } });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    return sent.body.txHash as string;
  };
  const depositsOf = async (token: string) =>
    (await stack.api('GET', '/wallet/deposits', { token })).body.items as { txHash: string; state: string; confirmations: number }[];

  before(async () => {
    ports = {
      daemon: await freePort(),
      p2p: await freePort(),
      platform: await freePort(),
      faucet: await freePort(),
      walletManager: await freePort(),
    };
    const ledger = startLedgerStack({
      beside: async (ctx) => {
        context = ctx;
        return { gatewayEnv: { WALLET_MANAGER_SERVICE_URL: `http://127.0.0.1:${ports.walletManager}` }, close: async () => undefined };
      },
    });
    [stack] = await Promise.all([ledger, startLauncher()]);
    await startWalletManager();
  });
  after(async () => {
    walletManager?.kill('SIGTERM');
    launcher?.kill('SIGTERM');
    await Promise.all(
      [walletManager, launcher].map(
        (child) =>
          new Promise((resolve) =>
            !child || child.exitCode !== null || child.signalCode !== null ? resolve(0) : child.once('exit', resolve),
          ),
      ),
    );
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const user = { id: 0, token: '' };
  let early = '';
  let walletHeight = 0;

  it('answers 503 naming the cause while the wallet is ahead of the daemon', async () => {
    Object.assign(user, await stack.signUp('ku'));
    // A deposit on its way (a few of its 10 confirmations).
    early = await deposit(user.token, '1.25');
    await generateBlocks(daemonUrl(), 3, OUTSIDE);
    let seen: unknown;
    await eventually(
      async () => {
        const items = await depositsOf(user.token);
        seen = items;
        return items.find((d) => d.txHash === early && d.confirmations >= 1);
      },
      60,
      'the deposit to be seen on chain',
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; the deposits: ${JSON.stringify(seen)}; /healthz: ${JSON.stringify(await health().catch(String))}`);
    });
    walletHeight = await eventually(
      async () => {
        const { body } = await health();
        return body.walletHeight !== null && body.walletHeight === body.daemonHeight ? body.walletHeight : undefined;
      },
      30,
      'the wallet to be in step',
    );
    // The wallet file as of now (wallet-rpc stores it only when asked or stopped), then the daemon loses its top block.
    const stored = await postWithDigest(
      new URL('/json_rpc', `http://127.0.0.1:${ports.platform}`),
      JSON.stringify({ jsonrpc: '2.0', id: '0', method: 'store' }),
      { username: RPC_USER, password: RPC_PASSWORD },
      30_000,
    );
    assert.equal(JSON.parse(stored.body).error, undefined);
    await popBlocks(daemonUrl(), 1);

    const ahead = await health();
    assert.equal(ahead.status, 503);
    assert.equal(ahead.body.status, 'degraded');
    assert.match(
      ahead.body.reason ?? '',
      new RegExp(`^wallet height ${walletHeight} is ahead of the daemon's ${walletHeight - 1}: the daemon lost blocks`),
    );
    assert.equal(ahead.body.checks.chain, ahead.body.reason);
    const throughGateway = await stack.api('GET', '/healthz');
    assert.equal(throughGateway.status, 503);
    assert.equal(throughGateway.body.checks['wallet-manager'], 'down');
  });

  it('after kill -9 of the chain and the wallet manager: the blocks are kept, the wallet rescanned, and a new deposit credited', async () => {
    const heightBefore = await daemonHeight(daemonUrl());
    await killEverything();
    await startLauncher();
    assert.doesNotMatch(launcherLog, /new chain/, 'the chain was not started afresh');
    assert.equal(await daemonHeight(daemonUrl()), heightBefore, 'monerod kept every block');
    assert.match(
      launcherLog,
      new RegExp(
        `platform wallet: wallet height ${walletHeight} is ahead of the daemon's ${heightBefore} \\(the daemon lost blocks\\); rescanning it`,
      ),
    );
    assert.match(launcherLog, new RegExp(`platform wallet: rescanned, wallet height ${heightBefore}, daemon height ${heightBefore}`));
    const healthy = await startWalletManager();
    assert.deepEqual([healthy.walletHeight, healthy.checks.chain, healthy.reason], [heightBefore, 'ok', null]);

    const late = await deposit(user.token, '0.5');
    await generateBlocks(daemonUrl(), 10, OUTSIDE);
    const credited = await eventually(
      async () => {
        const items = await depositsOf(user.token);
        return items.filter((d) => d.state === 'CREDITED').length === 2 ? items : undefined;
      },
      60,
      'both deposits to be credited',
    );
    assert.deepEqual(credited.map((d) => d.txHash).sort(), [early, late].sort());
    const balance = await stack.api('GET', `/balances/${user.id}`, { token: user.token });
    assert.equal(balance.body.total, '1.75');
  });
});
