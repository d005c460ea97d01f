import {
  accessTokenVariables,
  envInt,
  envPort,
  envSigningKey,
  envTrustProxy,
  envUrl,
  logLevel,
  moneroNetwork,
  serviceKeyVariables,
} from '@pupero/shared/config';

import { z } from 'zod';

export const configSchema = z.object({
  HOST: z.string().default('0.0.0.0'),
  LOGIN_PORT: envPort.default(8001),
  DATABASE_URL: z.string().regex(/^(mysql|mariadb):\/\//, 'must be a mysql:// URL'),
  // Signs access tokens: login alone holds it.
  ACCESS_TOKEN_SIGNING_KEY: envSigningKey,
  ...accessTokenVariables,
  ...serviceKeyVariables,
  // Asked before an account is deleted (its money, its trades) and told to close its offers.
  TRANSACTIONS_SERVICE_URL: envUrl.optional(),
  OFFERS_SERVICE_URL: envUrl.optional(),
  MONERO_NETWORK: moneroNetwork.default('mainnet'),
  ACCESS_TOKEN_TTL_SECONDS: envInt(60, 3600).default(900),
  REFRESH_TOKEN_TTL_HOURS: envInt(1, 24 * 30).default(24),
  REMEMBER_ME_DAYS: envInt(1, 365).default(30),
  // Throttles (docs/operations.md, "Login throttling"): growing delays, never a lock.
  LOGIN_FREE_FAILURES: envInt(1, 100_000).default(3),
  LOGIN_ACCOUNT_FREE_FAILURES: envInt(1, 100_000).default(20),
  LOGIN_MAX_ACCOUNTS_PER_ADDRESS: envInt(1, 1_000_000).default(10),
  LOGIN_ADDRESS_WINDOW_SECONDS: envInt(10, 86_400).default(900),
  LOGIN_MAX_DELAY_SECONDS: envInt(1, 86_400).default(900),
  LOGIN_FAILURE_WINDOW_SECONDS: envInt(60, 30 * 86_400).default(86_400),
  SIGNED_IN_FREE_FAILURES: envInt(1, 100_000).default(5),
  DEVICE_TOKEN_DAYS: envInt(1, 3650).default(365),
  TOTP_ISSUER: z.string().min(1).default('Pupero'),
  // The gateway's address range: the client address comes from its X-Forwarded-For.
  TRUST_PROXY: envTrustProxy.default('loopback,uniquelocal'),
  LOG_LEVEL: logLevel,
});

export type Config = z.output<typeof configSchema>;
