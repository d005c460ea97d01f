import { accessTokenVariables, envInt, envPeerKeys, envPort, envTrustProxy, envUrl, logLevel, moneroNetwork } from '@pupero/shared/config';

import { z } from 'zod';

export const configSchema = z.object({
  HOST: z.string().default('0.0.0.0'),
  GATEWAY_PORT: envPort.default(8000),
  LOGIN_SERVICE_URL: envUrl,
  TRANSACTIONS_SERVICE_URL: envUrl.optional(),
  WALLET_MANAGER_SERVICE_URL: envUrl.optional(),
  OFFERS_SERVICE_URL: envUrl.optional(),
  ...accessTokenVariables,
  RATE_LIMIT_MAX: envInt(1, 1_000_000).default(600),
  AUTH_RATE_LIMIT_MAX: envInt(1, 1_000_000).default(60),
  RATE_LIMIT_WINDOW_SECONDS: envInt(1, 3600).default(60),
  UPSTREAM_TIMEOUT_MS: envInt(100, 120_000).default(15_000),
  // The gateway faces clients: it trusts no X-Forwarded-For unless a load balancer in front is named here.
  GATEWAY_TRUST_PROXY: envTrustProxy.default(false),
  // `frontend=KEY`: the frontend's public key, the only caller whose word on the client address counts.
  // Unset: no one's does. The gateway holds no private key at all.
  SERVICE_PUBLIC_KEYS: envPeerKeys.optional(),
  MONERO_NETWORK: moneroNetwork.default('mainnet'),
  LOG_LEVEL: logLevel,
});

export type Config = z.output<typeof configSchema>;
