import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import moneroTs from 'monero-ts';
import { daemonHeight, generateBlocks } from '../monero/daemon.ts';
import { openPlatformWallet } from '../monero/wallet.ts';
import { startRegtestDaemon, startWalletRpc } from './launch.ts';

// The local stack's Monero side (`npm start` runs it): monerod in regtest on MONEROD_RPC_PORT, the
// platform's monero-wallet-rpc on WALLET_RPC_PORT and the faucet's on REGTEST_FAUCET_WALLET_RPC_PORT.
// Data lives in .run/regtest, so the chain and the wallets survive a restart.
const env = process.env;
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const dataDir = path.join(root, '.run', 'regtest');
const login = `${env.MONERO_RPC_USER}:${env.MONERO_RPC_PASSWORD}`;
const say = (message: string) => process.stderr.write(`[regtest] ${message}\n`);
const readyFile = path.join(dataDir, 'ready');
rmSync(readyFile, { force: true });

const daemon = await startRegtestDaemon({
  dataDir: path.join(dataDir, 'daemon'),
  rpcPort: Number(env.MONEROD_RPC_PORT ?? 18081),
  p2pPort: Number(env.MONEROD_P2P_PORT ?? 18080),
});
const [platformRpc, faucetRpc] = await Promise.all([
  startWalletRpc({
    daemonUrl: daemon.url,
    rpcPort: Number(env.WALLET_RPC_PORT ?? 18083),
    walletDir: path.join(dataDir, 'platform'),
    login,
  }),
  startWalletRpc({
    daemonUrl: daemon.url,
    rpcPort: Number(env.REGTEST_FAUCET_WALLET_RPC_PORT ?? 18085),
    walletDir: path.join(dataDir, 'faucet'),
    login,
  }),
]);

// A new chain gets 100 blocks paid to the faucet: coins to hand out, and enough unlocked outputs
// for the decoys every transaction's ring needs.
const faucet = await openPlatformWallet({
  url: faucetRpc.url,
  username: env.MONERO_RPC_USER ?? '',
  password: env.MONERO_RPC_PASSWORD ?? '',
  walletName: env.REGTEST_FAUCET_WALLET_NAME ?? 'pupero-faucet',
  walletPassword: env.REGTEST_FAUCET_WALLET_PASSWORD ?? 'regtest-faucet',
});
if ((await daemonHeight(daemon.url)) < 100) {
  say('new chain: mining 100 blocks to the faucet');
  await generateBlocks(daemon.url, 100, await faucet.getPrimaryAddress());
}
// The faucet wallet stays open in its wallet-rpc for the wallet manager; `npm start` waits for this file.
await moneroTs.LibraryUtils.terminateWorker();
writeFileSync(readyFile, new Date().toISOString());
say(`monerod ${daemon.url} (height ${await daemonHeight(daemon.url)}), wallet-rpc ${platformRpc.url}, faucet wallet-rpc ${faucetRpc.url}`);

const stop = async () => {
  rmSync(readyFile, { force: true });
  await Promise.all([platformRpc.stop(), faucetRpc.stop()]);
  await daemon.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
setInterval(() => undefined, 1 << 30);
