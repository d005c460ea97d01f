import {
  envBoolean,
  envInt,
  envPort,
  envSecret,
  envSigningKey,
  envTrustProxy,
  envUrl,
  logLevel,
  moneroNetwork,
} from '@pupero/shared/config';

import { z } from 'zod';

export const configSchema = z
  .object({
    HOST: z.string().default('0.0.0.0'),
    FRONTEND_PORT: envPort.default(5000),
    // The only service the frontend talks to.
    GATEWAY_URL: envUrl,
    // The session store.
    DATABASE_URL: z.string().regex(/^(mysql|mariadb):\/\//, 'must be a mysql:// URL'),
    // Signs the session cookie.
    SESSION_SECRET: envSecret,
    // The frontend's own private key: signs the token with which the gateway believes the browser's
    // address. No other service accepts it for anything else.
    SERVICE_SIGNING_KEY: envSigningKey,
    MONERO_NETWORK: moneroNetwork.default('mainnet'),
    // Secure by default: a local stack over plain HTTP turns it off in its .env.
    SESSION_COOKIE_SECURE: envBoolean.default(true),
    SESSION_COOKIE_SAMESITE: z.enum(['lax', 'strict', 'none'], { message: 'must be lax, strict or none' }).default('lax'),
    REMEMBER_ME_DAYS: envInt(1, 365).default(30),
    // The frontend faces browsers: it believes no X-Forwarded-For unless a load balancer in front is named here.
    FRONTEND_TRUST_PROXY: envTrustProxy.default(false),
    GATEWAY_TIMEOUT_MS: envInt(100, 120_000).default(15_000),
    LOG_LEVEL: logLevel,
  })
  .refine((c) => c.SESSION_COOKIE_SAMESITE !== 'none' || c.SESSION_COOKIE_SECURE, {
    message: 'SameSite=None needs SESSION_COOKIE_SECURE=true (browsers drop it otherwise)',
    path: ['SESSION_COOKIE_SAMESITE'],
  });

export type Config = z.output<typeof configSchema>;
