import { connectBroker, exchangeFor } from '@pupero/shared/amqp';
import { mariadbConfig } from '@pupero/shared/db';
import { serviceClient } from '@pupero/shared/http';
import { tokenSettingsFrom } from '@pupero/shared/jwt';
import { droppedMessagesCounter } from '@pupero/shared/metrics';
import { addressValidator, stopMoneroWorker } from '@pupero/shared/monero';
import { tokenVersionCheck, tokenVersionReader } from '@pupero/shared/revocation';
import { createServiceTokenSigner } from '@pupero/shared/service-token';
import mariadb from 'mariadb';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { WalletDeps } from './deps.ts';
import { openPlatformWallet, type Wallet } from './monero/wallet.ts';

/**
 * A lost or swapped wallet file would otherwise be replaced by a new wallet in silence, and every
 * stored deposit address would then belong to a wallet nobody watches: refuse to start instead.
 */
async function assertWalletOwnsDepositAddresses(pool: mariadb.Pool, wallet: Wallet) {
  const [stored] = (await pool.query(
    'SELECT subaddress_index AS idx, address FROM deposit_addresses ORDER BY subaddress_index DESC LIMIT 1',
  )) as { idx: number; address: string }[];
  if (!stored) return;
  const actual = await wallet.getAddress(0, stored.idx).catch(() => undefined);
  if (actual !== stored.address) {
    throw new Error(
      `The open wallet does not own deposit subaddress ${stored.idx} (${stored.address.slice(0, 12)}…): wrong or recreated wallet file; restore the platform wallet before starting`,
    );
  }
}

export async function createDeps(config: Config, logger: Logger): Promise<WalletDeps & { close(): Promise<void> }> {
  if (config.CRASH_AT && config.MONERO_NETWORK !== 'regtest') throw new Error('CRASH_AT is a test setting, refused outside regtest');
  if (config.REGTEST_MINER && config.MONERO_NETWORK !== 'regtest') throw new Error('REGTEST_MINER is refused outside regtest');
  const digest = config.MONERO_RPC_AUTH_SCHEME === 'digest';
  const wallet = await openPlatformWallet({
    url: config.WALLET_RPC_URL,
    username: digest ? config.MONERO_RPC_USER : '',
    password: digest ? config.MONERO_RPC_PASSWORD : '',
    walletName: config.WALLET_NAME,
    walletPassword: config.WALLET_PASSWORD,
  });
  if (config.REGTEST_FAUCET_WALLET_RPC_URL && config.MONERO_NETWORK !== 'regtest')
    throw new Error('REGTEST_FAUCET_WALLET_RPC_URL is refused outside regtest');
  const faucet = config.REGTEST_FAUCET_WALLET_RPC_URL
    ? await openPlatformWallet({
        url: config.REGTEST_FAUCET_WALLET_RPC_URL,
        username: digest ? config.MONERO_RPC_USER : '',
        password: digest ? config.MONERO_RPC_PASSWORD : '',
        walletName: config.REGTEST_FAUCET_WALLET_NAME,
        walletPassword: config.REGTEST_FAUCET_WALLET_PASSWORD,
      })
    : undefined;
  const pool = mariadb.createPool(mariadbConfig(config.DATABASE_URL, { connectionLimit: 10 }));
  await assertWalletOwnsDepositAddresses(pool, wallet);
  // Its broker user may read withdrawal requests and publish results, nothing else (broker-provisioning.ts).
  const broker = await connectBroker(config.RABBITMQ_URL, {
    exchanges: [exchangeFor(config.RABBITMQ_RESULTS_QUEUE)],
    queues: [config.RABBITMQ_QUEUE],
    logger,
  });
  return {
    config,
    pool,
    wallet,
    faucet,
    broker,
    droppedMessages: droppedMessagesCounter(),
    logger,
    tokens: tokenSettingsFrom(config, tokenVersionCheck(tokenVersionReader(pool))),
    transactions: serviceClient({
      baseUrl: config.TRANSACTIONS_SERVICE_URL,
      callee: 'transactions',
      serviceToken: createServiceTokenSigner(config.SERVICE_SIGNING_KEY, 'wallet-manager'),
    }),
    isValidAddress: addressValidator(config.MONERO_NETWORK),
    async close() {
      await broker.close();
      await pool.end();
      await wallet.close(true).catch(() => undefined);
      await faucet?.close(true).catch(() => undefined);
      await stopMoneroWorker();
    },
  };
}
