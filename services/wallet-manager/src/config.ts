import {
  accessTokenVariables,
  envBoolean,
  envInt,
  envPort,
  envTrustProxy,
  envUrl,
  envXmr,
  logLevel,
  serviceKeyVariables,
} from '@pupero/shared/config';
import { moneroNetwork } from '@pupero/shared/monero';
import { z } from 'zod';

export const configSchema = z.object({
  HOST: z.string().default('0.0.0.0'),
  WALLET_MANAGER_PORT: envPort.default(8004),
  DATABASE_URL: z.string().regex(/^(mysql|mariadb):\/\//, 'must be a mysql:// URL'),
  RABBITMQ_URL: z.string().regex(/^amqps?:\/\//, 'must be an amqp:// URL'),
  RABBITMQ_QUEUE: z.string().min(1).default('pupero.withdrawals'),
  RABBITMQ_RESULTS_QUEUE: z.string().min(1).default('pupero.withdrawal-results'),
  /** Withdrawals that arrive within this window are sent together after it; 0 sends each at once. */
  RABBITMQ_POLL_INTERVAL_SECONDS: envInt(0, 3600).default(0),
  WALLET_RPC_URL: envUrl,
  MONEROD_RPC_URL: envUrl,
  /** monerod's `--rpc-login` (digest auth); empty: a daemon without a login (the local regtest launcher's). */
  MONEROD_RPC_USER: z.string().default(''),
  MONEROD_RPC_PASSWORD: z.string().default(''),
  MONERO_RPC_USER: z.string().default(''),
  MONERO_RPC_PASSWORD: z.string().default(''),
  MONERO_RPC_AUTH_SCHEME: z.enum(['digest', 'none']).default('digest'),
  WALLET_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .default('pupero-platform'),
  WALLET_PASSWORD: z.string().min(1),
  MONERO_NETWORK: moneroNetwork.default('mainnet'),
  SWEEP_INTERVAL_SECONDS: envInt(1, 86_400).default(30),
  DEPOSIT_CONFIRMATIONS: envInt(1, 1000).default(10),
  /** The chain's block time, for the deposit page's estimate; unset: the regtest miner's interval when it runs, else Monero's 120 s. */
  BLOCK_SECONDS: envInt(1, 3600).optional(),
  MIN_SWEEP_XMR: envXmr.default(100_000_000n),
  WITHDRAWAL_RETRY_SECONDS: envInt(1, 86_400).default(30),
  TRANSACTIONS_SERVICE_URL: envUrl,
  /**
   * A built send the daemon refuses is built again only when another transaction that spends one of
   * its inputs is this many blocks deep (a reorg deeper than this is not expected): before that it
   * may still be the one mined, and it is relayed again later.
   */
  WITHDRAWAL_REBUILD_DEPTH: envInt(1, 100_000).default(10),
  /** /healthz: a wallet (or daemon) this many blocks behind whose height stands still for HEALTH_STALL_SECONDS cannot see new blocks. */
  HEALTH_LAG_BLOCKS: envInt(1, 100_000).default(10),
  HEALTH_STALL_SECONDS: envInt(1, 86_400).default(300),
  ...accessTokenVariables,
  ...serviceKeyVariables,
  /** Regtest only: mine a block to the platform wallet this often, so deposits confirm locally. */
  REGTEST_MINER: envBoolean.default(false),
  REGTEST_MINER_INTERVAL_SECONDS: envInt(1, 3600).default(10),
  /**
   * Regtest only: a second wallet-rpc holding a separate faucet wallet. (A payment from the platform
   * wallet to its own subaddress is a self-transfer that never shows as a deposit.)
   */
  REGTEST_FAUCET_WALLET_RPC_URL: envUrl.optional(),
  REGTEST_FAUCET_WALLET_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .default('pupero-faucet'),
  REGTEST_FAUCET_WALLET_PASSWORD: z.string().min(1).default('regtest-faucet'),
  /** Regtest only, for the crash tests: the process kills itself (SIGKILL) at this point of a send. */
  CRASH_AT: z.enum(['after-build', 'after-relay']).optional(),
  TRUST_PROXY: envTrustProxy.default('loopback,uniquelocal'),
  LOG_LEVEL: logLevel,
});

export type Config = z.output<typeof configSchema>;
