import type { ChildProcess } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import moneroTs from 'monero-ts';
import { daemonHeight, generateBlocks } from '../monero/daemon.ts';
import { repairWalletAgainstChain } from '../monero/repair.ts';
import { openPlatformWallet, type WalletRpcSettings } from '../monero/wallet.ts';
import { type RegtestDaemon, startRegtestDaemon, startWalletRpc, type WalletRpcProcess } from './launch.ts';

// The local stack's Monero side (`npm start` runs it): monerod in regtest on MONEROD_RPC_PORT, the
// platform's monero-wallet-rpc on WALLET_RPC_PORT and the faucet's on REGTEST_FAUCET_WALLET_RPC_PORT.
// Data lives in REGTEST_DATA_DIR (.run/regtest), so the chain and the wallets survive a restart,
// clean or not; pid files go to PUPERO_PID_DIR (.run/pids) for `npm start` to find leftovers.
const env = process.env;
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const dataDir = path.resolve(env.REGTEST_DATA_DIR ?? path.join(root, '.run', 'regtest'));
const pidDir = path.resolve(env.PUPERO_PID_DIR ?? path.join(root, '.run', 'pids'));
const login = `${env.MONERO_RPC_USER}:${env.MONERO_RPC_PASSWORD}`;
const say = (message: string) => process.stderr.write(`[regtest] ${message}\n`);
const readyFile = path.join(dataDir, 'ready');
rmSync(readyFile, { force: true });

let daemon: RegtestDaemon | undefined;
const walletRpcs: WalletRpcProcess[] = [];
let stopping = false;

/** Wallets stored and stopped first, then the daemon, which closes its database. */
async function stopChain(code: number, why?: string) {
  if (stopping) return;
  stopping = true;
  if (why) say(why);
  rmSync(readyFile, { force: true });
  await Promise.all(walletRpcs.map((rpc) => rpc.stop()));
  await daemon?.stop();
  say('chain stopped');
  process.exit(code);
}
process.once('SIGINT', () => void stopChain(0));
process.once('SIGTERM', () => void stopChain(0));

function stopWhenExits(name: string, child: ChildProcess) {
  child.once('exit', (code, signal) => {
    if (!stopping) void stopChain(1, `${name} exited (${code ?? signal}); stopping the chain`);
  });
}

function walletSettings(url: string, walletName: string, walletPassword: string): WalletRpcSettings {
  return { url, username: env.MONERO_RPC_USER ?? '', password: env.MONERO_RPC_PASSWORD ?? '', walletName, walletPassword };
}

async function startWallet(name: 'platform' | 'faucet', rpcPort: number, daemonUrl: string) {
  const rpc = await startWalletRpc({
    daemonUrl,
    rpcPort,
    walletDir: path.join(dataDir, name),
    login,
    pidFile: { dir: pidDir, name: `wallet-rpc-${name}` },
  });
  walletRpcs.push(rpc);
  stopWhenExits(`the ${name} wallet-rpc`, rpc.process);
  return rpc;
}

/** A wallet ahead of the daemon, or unable to follow it, sees no new deposits: rescan it first. */
async function openAndRepair(rpc: WalletRpcProcess, daemonUrl: string, label: string, name: string, password: string) {
  const wallet = await openPlatformWallet(walletSettings(rpc.url, name, password));
  await repairWalletAgainstChain(wallet, daemonUrl, say, label);
  return wallet;
}

try {
  const rpcPort = Number(env.MONEROD_RPC_PORT ?? 18081);
  // wallet-rpc needs no daemon to start: all three start at once.
  const [started, platformRpc, faucetRpc] = await Promise.all([
    startRegtestDaemon({
      dataDir: path.join(dataDir, 'daemon'),
      rpcPort,
      p2pPort: Number(env.MONEROD_P2P_PORT ?? 18080),
      pidFile: { dir: pidDir, name: 'monerod' },
    }),
    startWallet('platform', Number(env.WALLET_RPC_PORT ?? 18083), `http://127.0.0.1:${rpcPort}`),
    startWallet('faucet', Number(env.REGTEST_FAUCET_WALLET_RPC_PORT ?? 18085), `http://127.0.0.1:${rpcPort}`),
  ]);
  daemon = started;
  stopWhenExits('monerod', daemon.process);
  const platformName = env.WALLET_NAME;
  const platformPassword = env.WALLET_PASSWORD;
  // The platform wallet is the wallet manager's to create; here it is only repaired when it exists.
  const platformExists = Boolean(platformName && platformPassword && existsSync(path.join(dataDir, 'platform', `${platformName}.keys`)));
  const [faucet] = await Promise.all([
    openAndRepair(
      faucetRpc,
      daemon.url,
      'faucet wallet',
      env.REGTEST_FAUCET_WALLET_NAME ?? 'pupero-faucet',
      env.REGTEST_FAUCET_WALLET_PASSWORD ?? 'regtest-faucet',
    ),
    platformExists &&
      openAndRepair(platformRpc, daemon.url, 'platform wallet', platformName!, platformPassword!).then((platform) => platform.close(true)),
  ]);

  // A new chain gets 100 blocks paid to the faucet: coins to hand out, and enough unlocked outputs
  // for the decoys every transaction's ring needs.
  if ((await daemonHeight(daemon.url)) < 100) {
    say('new chain: mining 100 blocks to the faucet');
    await generateBlocks(daemon.url, 100, await faucet.getPrimaryAddress());
  }
  // The faucet wallet stays open in its wallet-rpc for the wallet manager; `npm start` waits for this file.
  await moneroTs.LibraryUtils.terminateWorker();
  writeFileSync(readyFile, new Date().toISOString());
  say(
    `monerod ${daemon.url} (height ${await daemonHeight(daemon.url)}), wallet-rpc ${platformRpc.url}, faucet wallet-rpc ${faucetRpc.url}`,
  );
} catch (error) {
  await stopChain(1, `the chain did not start: ${(error as Error).message}`);
}
setInterval(() => undefined, 1 << 30);
