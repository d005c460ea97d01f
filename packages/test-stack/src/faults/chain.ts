import path from 'node:path';
import { freePort } from '@pupero/shared/testing';
import {
  generateBlocks,
  type RegtestDaemon,
  startRegtestDaemon,
  startWalletRpc,
  type Wallet,
  type WalletRpcProcess,
} from '@pupero/wallet-manager/testing';
import { fundedOutsideWallet, RPC_PASSWORD, RPC_USER } from '../chain.ts';
import { type FaultMode, type Supervised, stopChild } from './processes.ts';

/**
 * The regtest chain as restartable processes: monerod (--keep-fakechain and safe:sync, so a restart
 * or a `kill -9` keeps the chain) and the platform's wallet-rpc, each on fixed ports and data dirs;
 * and the outside user's wallet-rpc with a funded wallet (never restarted: it is the world outside).
 */
export interface FaultChain {
  daemonUrl: string;
  platformRpcUrl: string;
  externalRpcUrl: string;
  external: Wallet;
  externalAddress: string;
  monerod: Supervised;
  walletRpc: Supervised;
  /** Mines on the outside wallet's address; false while monerod is down. */
  mine(blocks: number): Promise<boolean>;
  shutdown(): Promise<void>;
}

const login = `${RPC_USER}:${RPC_PASSWORD}`;

export async function startFaultChain(dir: string): Promise<FaultChain> {
  const ports = { rpc: await freePort(), p2p: await freePort(), platform: await freePort(), external: await freePort() };
  const daemonUrl = `http://127.0.0.1:${ports.rpc}`;
  let daemon: RegtestDaemon | undefined;
  let platform: WalletRpcProcess | undefined;
  const monerod: Supervised = {
    name: 'monerod',
    async start() {
      daemon = await startRegtestDaemon({ dataDir: path.join(dir, 'daemon'), rpcPort: ports.rpc, p2pPort: ports.p2p });
    },
    stop: (mode: FaultMode) => stopChild(daemon?.process, mode, 90),
    shutdown: async () => daemon?.stop(),
  };
  const walletRpc: Supervised = {
    name: 'wallet-rpc',
    async start() {
      platform = await startWalletRpc({ daemonUrl, rpcPort: ports.platform, walletDir: path.join(dir, 'platform'), login });
    },
    stop: (mode: FaultMode) => stopChild(platform?.process, mode, 60),
    shutdown: async () => platform?.stop(),
  };
  await monerod.start();
  await walletRpc.start();
  const externalRpc = await startWalletRpc({ daemonUrl, rpcPort: ports.external, walletDir: path.join(dir, 'external'), login });
  const { external, externalAddress } = await fundedOutsideWallet(daemonUrl, externalRpc.url);
  await external.sync();
  return {
    daemonUrl,
    platformRpcUrl: platform!.url,
    externalRpcUrl: externalRpc.url,
    external,
    externalAddress,
    monerod,
    walletRpc,
    mine: (blocks) =>
      generateBlocks(daemonUrl, blocks, externalAddress).then(
        () => true,
        () => false,
      ),
    async shutdown() {
      await external.close(true).catch(() => undefined);
      await Promise.all([walletRpc.shutdown(), externalRpc.stop()]);
      await monerod.shutdown();
    },
  };
}
