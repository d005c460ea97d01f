import { envInt, envPort, envSecret, envTrustProxy, envUrl, logLevel } from '@pupero/shared/config';
import { z } from 'zod';

export const configSchema = z.object({
  HOST: z.string().default('0.0.0.0'),
  GATEWAY_PORT: envPort.default(8000),
  LOGIN_SERVICE_URL: envUrl,
  TRANSACTIONS_SERVICE_URL: envUrl.optional(),
  WALLET_MANAGER_SERVICE_URL: envUrl.optional(),
  OFFERS_SERVICE_URL: envUrl.optional(),
  JWT_SECRET: envSecret,
  JWT_ISSUER: z.string().min(1).default('pupero'),
  JWT_AUDIENCE: z.string().min(1).default('pupero-api'),
  RATE_LIMIT_MAX: envInt(1, 1_000_000).default(600),
  AUTH_RATE_LIMIT_MAX: envInt(1, 1_000_000).default(60),
  RATE_LIMIT_WINDOW_SECONDS: envInt(1, 3600).default(60),
  UPSTREAM_TIMEOUT_MS: envInt(100, 120_000).default(15_000),
  // The gateway faces clients: it trusts no X-Forwarded-For unless a load balancer in front is named here.
  GATEWAY_TRUST_PROXY: envTrustProxy.default(false),
  // Verifies the frontend's token, the only caller whose word on the client address counts. Unset: no one's does.
  // Its own secret: neither the gateway nor the frontend holds SERVICE_TOKEN_SECRET, which moves money.
  CLIENT_ADDRESS_SECRET: envSecret.optional(),
  LOG_LEVEL: logLevel,
});

export type Config = z.output<typeof configSchema>;
