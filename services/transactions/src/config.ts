import { accessTokenVariables, envInt, envPort, envTrustProxy, envUrl, envXmr, logLevel, serviceKeyVariables } from '@pupero/shared/config';
import { moneroNetwork } from '@pupero/shared/monero';
import { z } from 'zod';

export const configSchema = z.object({
  HOST: z.string().default('0.0.0.0'),
  TRANSACTIONS_PORT: envPort.default(8003),
  DATABASE_URL: z.string().regex(/^(mysql|mariadb):\/\//, 'must be a mysql:// URL'),
  DATABASE_POOL_SIZE: envInt(1, 200).default(20),
  RABBITMQ_URL: z.string().regex(/^amqps?:\/\//, 'must be an amqp:// URL'),
  RABBITMQ_QUEUE: z.string().min(1).default('pupero.withdrawals'),
  RABBITMQ_RESULTS_QUEUE: z.string().min(1).default('pupero.withdrawal-results'),
  OUTBOX_POLL_MS: envInt(10, 60_000).default(250),
  ...accessTokenVariables,
  ...serviceKeyVariables,
  LOGIN_SERVICE_URL: envUrl,
  MONERO_NETWORK: moneroNetwork.default('mainnet'),
  WITHDRAWAL_FEE_XMR: envXmr.default(10_000_000_000n),
  MIN_WITHDRAWAL_XMR: envXmr.default(1_000_000_000n),
  TRUST_PROXY: envTrustProxy.default('loopback,uniquelocal'),
  LOG_LEVEL: logLevel,
});

export type Config = z.output<typeof configSchema>;
