// Every service behind the gateway, as in production: login and transactions (the ledger stack),
// offers, and the wallet manager on a bare regtest chain. The OpenAPI test starts it.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildApp as buildOffers, createDeps as createOffersDeps, configSchema as offersConfigSchema } from '@pupero/offers/testing';
import { loadConfig } from '@pupero/shared/config';
import type { Server } from '@pupero/shared/http';
import { keyEnvironment } from '@pupero/shared/key-plan';
import { freePort } from '@pupero/shared/testing';
import {
  buildApp as buildWalletManager,
  createDeps as createWalletDeps,
  startRegtestDaemon,
  startWalletRpc,
  configSchema as walletConfigSchema,
} from '@pupero/wallet-manager/testing';
import pino from 'pino';
import type { StackContext } from './ledger.ts';
import { offersEnvironment } from './offers.ts';

const RPC_LOGIN = { user: 'pupero', password: 'openapi-test-rpc' };

/**
 * monerod and two wallet-rpcs (the platform's and the regtest faucet's), nothing mined: enough for
 * the wallet manager to start with every public route it has, /dev/faucet included (regtest only).
 */
export async function startBareChain() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pupero-openapi-'));
  const login = `${RPC_LOGIN.user}:${RPC_LOGIN.password}`;
  const [rpcPort, p2pPort, platformPort, faucetPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  // A wallet-rpc needs no daemon to start: all three start at once.
  const daemonUrl = `http://127.0.0.1:${rpcPort}`;
  const [daemon, platform, faucet] = await Promise.all([
    startRegtestDaemon({ dataDir: path.join(dir, 'daemon'), rpcPort, p2pPort }),
    startWalletRpc({ daemonUrl, rpcPort: platformPort, walletDir: path.join(dir, 'platform'), login }),
    startWalletRpc({ daemonUrl, rpcPort: faucetPort, walletDir: path.join(dir, 'faucet'), login }),
  ]);
  return {
    daemon,
    platform,
    faucet,
    async stop() {
      await Promise.all([platform.stop(), faucet.stop()]);
      await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type BareChain = Awaited<ReturnType<typeof startBareChain>>;

export async function listen(app: Server) {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/**
 * Offers and the wallet manager, started beside login and transactions: every service behind the
 * gateway. `offersEnv` overrides the offers service's settings (its trade caps, say).
 */
export async function startOffersAndWallet(context: StackContext, chain: BareChain, offersEnv: Record<string, string> = {}) {
  const [offersDeps, walletDeps] = await Promise.all([
    createOffersDeps(loadConfig(offersConfigSchema, { ...offersEnvironment(context), ...offersEnv }), pino({ level: 'silent' })),
    createWalletDeps(
      loadConfig(walletConfigSchema, {
        ...keyEnvironment(context.keys, 'wallet-manager'),
        DATABASE_URL: context.databaseUrlFor('wallet'),
        RABBITMQ_URL: context.brokerUrls['wallet-manager'],
        RABBITMQ_QUEUE: context.queue,
        RABBITMQ_RESULTS_QUEUE: context.resultsQueue,
        TRANSACTIONS_SERVICE_URL: context.transactionsUrl,
        WALLET_RPC_URL: chain.platform.url,
        MONEROD_RPC_URL: chain.daemon.url,
        MONERO_RPC_USER: RPC_LOGIN.user,
        MONERO_RPC_PASSWORD: RPC_LOGIN.password,
        WALLET_PASSWORD: 'platform-wallet-password',
        MONERO_NETWORK: 'regtest',
        REGTEST_FAUCET_WALLET_RPC_URL: chain.faucet.url,
        LOG_LEVEL: 'silent',
      }),
      pino({ level: 'silent' }),
    ),
  ]);
  const offers = buildOffers(offersDeps, { logger: false });
  const wallet = buildWalletManager(walletDeps, { logger: false });
  const offersUrl = await listen(offers);
  const walletUrl = await listen(wallet);
  return {
    offers,
    offersUrl,
    gatewayEnv: { OFFERS_SERVICE_URL: offersUrl, WALLET_MANAGER_SERVICE_URL: walletUrl },
    loginEnv: { OFFERS_SERVICE_URL: offersUrl },
    async close() {
      await Promise.all([offers.close(), wallet.close()]);
      await Promise.all([offersDeps.close(), walletDeps.close()]);
    },
  };
}
