import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@pupero/shared/config';
import { keyEnvironment } from '@pupero/shared/key-plan';
import { freePort } from '@pupero/shared/testing';
import {
  buildApp,
  configSchema,
  consumeWithdrawals,
  createDeps,
  daemonJsonRpc,
  generateBlocks,
  openPlatformWallet,
  popBlocks,
  type RegtestDaemon,
  startJobs,
  startRegtestDaemon,
  startWalletRpc,
  type Wallet,
  type WalletDeps,
  type WalletRpcProcess,
} from '@pupero/wallet-manager/testing';
import pino from 'pino';
import { type LedgerStack, startLedgerStack } from './ledger.ts';

export const RPC_USER = 'pupero';
export const RPC_PASSWORD = 'regtest-rpc-password';

/** A real regtest chain: monerod, the platform's wallet-rpc, and an outside user's wallet-rpc with a funded wallet. */
export interface Chain {
  daemon: RegtestDaemon;
  platformRpc: WalletRpcProcess;
  externalRpc: WalletRpcProcess;
  external: Wallet;
  externalAddress: string;
  dir: string;
  mine(blocks: number, address?: string): Promise<number>;
  popBlocks(blocks: number): Promise<void>;
  flushPool(): Promise<void>;
  poolHashes(): Promise<string[]>;
  stop(): Promise<void>;
}

/** The outside user's wallet on its wallet-rpc, with 100 blocks mined to it. */
export async function fundedOutsideWallet(daemonUrl: string, walletRpcUrl: string) {
  const external = await openPlatformWallet({
    url: walletRpcUrl,
    username: RPC_USER,
    password: RPC_PASSWORD,
    walletName: 'external',
    walletPassword: 'external',
  });
  const externalAddress = await external.getPrimaryAddress();
  // Coinbase outputs unlock after 60 blocks, and a transaction's ring of 16 needs that many unlocked
  // outputs on the chain as decoys: 100 blocks give the outside wallet coins and the chain enough outputs.
  await generateBlocks(daemonUrl, 100, externalAddress);
  return { external, externalAddress };
}

export async function startChain(): Promise<Chain> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pupero-regtest-'));
  const daemon = await startRegtestDaemon({ dataDir: path.join(dir, 'daemon'), rpcPort: await freePort(), p2pPort: await freePort() });
  const login = `${RPC_USER}:${RPC_PASSWORD}`;
  const [platformRpc, externalRpc] = await Promise.all([
    startWalletRpc({ daemonUrl: daemon.url, rpcPort: await freePort(), walletDir: path.join(dir, 'platform'), login }),
    startWalletRpc({ daemonUrl: daemon.url, rpcPort: await freePort(), walletDir: path.join(dir, 'external'), login }),
  ]);
  const { external, externalAddress } = await fundedOutsideWallet(daemon.url, externalRpc.url);
  await external.sync();
  return {
    daemon,
    platformRpc,
    externalRpc,
    external,
    externalAddress,
    dir,
    mine: (blocks, address = externalAddress) => generateBlocks(daemon.url, blocks, address),
    popBlocks: (blocks) => popBlocks(daemon.url, blocks),
    flushPool: async () => {
      await daemonJsonRpc(daemon.url, 'flush_txpool');
    },
    poolHashes: async () => {
      const response = await fetch(new URL('/get_transaction_pool_hashes', daemon.url), { method: 'POST', body: '{}' });
      return ((await response.json()) as { tx_hashes?: string[] }).tx_hashes ?? [];
    },
    async stop() {
      await external.close(true).catch(() => undefined);
      await Promise.all([platformRpc.stop(), externalRpc.stop()]);
      await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function walletEnv(chain: Chain, overrides: Record<string, string> = {}) {
  return {
    WALLET_RPC_URL: chain.platformRpc.url,
    MONEROD_RPC_URL: chain.daemon.url,
    MONERO_RPC_USER: RPC_USER,
    MONERO_RPC_PASSWORD: RPC_PASSWORD,
    WALLET_NAME: 'platform',
    WALLET_PASSWORD: 'platform-wallet-password',
    MONERO_NETWORK: 'regtest',
    SWEEP_INTERVAL_SECONDS: '1',
    DEPOSIT_CONFIRMATIONS: '10',
    WITHDRAWAL_RETRY_SECONDS: '1',
    LOG_LEVEL: 'silent',
    // The outside wallet doubles as the regtest faucet.
    REGTEST_FAUCET_WALLET_RPC_URL: chain.externalRpc.url,
    REGTEST_FAUCET_WALLET_NAME: 'external',
    REGTEST_FAUCET_WALLET_PASSWORD: 'external',
    ...overrides,
  };
}

export interface WalletStack extends LedgerStack {
  wallet: WalletDeps;
}

/** Login, transactions, the wallet manager (in this process, jobs and consumer running) and the gateway over one database. */
export async function startWalletStack(chain: Chain, overrides: Record<string, string> = {}): Promise<WalletStack> {
  let wallet: WalletDeps | undefined;
  const ledger = await startLedgerStack({
    beside: async (context) => {
      const config = loadConfig(configSchema, {
        ...keyEnvironment(context.keys, 'wallet-manager'),
        ...walletEnv(chain, overrides),
        DATABASE_URL: context.databaseUrlFor('wallet'),
        RABBITMQ_URL: context.brokerUrls['wallet-manager'],
        RABBITMQ_QUEUE: context.queue,
        RABBITMQ_RESULTS_QUEUE: context.resultsQueue,
        TRANSACTIONS_SERVICE_URL: context.transactionsUrl,
      });
      const deps = await createDeps(config, pino({ level: 'silent' }));
      wallet = deps;
      const app = buildApp(deps, { logger: false });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const stopJobs = startJobs(deps);
      await consumeWithdrawals(deps);
      return {
        gatewayEnv: { WALLET_MANAGER_SERVICE_URL: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` },
        async close() {
          await app.close();
          await stopJobs();
          await deps.broker.close();
          await deps.pool.end();
          await deps.wallet.close(true).catch(() => undefined);
        },
      };
    },
  });
  return Object.assign(ledger, { wallet: wallet! });
}

export async function eventually<T>(probe: () => Promise<T | undefined | false>, seconds = 60, label = 'condition'): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
