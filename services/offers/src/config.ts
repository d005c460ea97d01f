import {
  accessTokenVariables,
  envInt,
  envPort,
  envTrustProxy,
  envUrl,
  logLevel,
  moneroNetwork,
  serviceKeyVariables,
} from '@pupero/shared/config';

import { z } from 'zod';

/** A price feed: a URL with `{currency}` (lower-case ISO code) and the JSON path of the price in its answer. */
export const priceFeed = z.strictObject({ url: z.string().includes('{currency}'), path: z.string().min(1) });

export const configSchema = z.object({
  HOST: z.string().default('0.0.0.0'),
  OFFERS_PORT: envPort.default(8002),
  DATABASE_URL: z.string().regex(/^(mysql|mariadb):\/\//, 'must be a mysql:// URL'),
  ...accessTokenVariables,
  ...serviceKeyVariables,
  MONERO_NETWORK: moneroNetwork.default('mainnet'),
  TRANSACTIONS_SERVICE_URL: envUrl,
  LOGIN_SERVICE_URL: envUrl,
  /** JSON array of {url, path}; the market price is the median of those that answer. */
  PRICE_FEEDS: z
    .string()
    .default('[]')
    .transform((text, ctx) => {
      try {
        return z.array(priceFeed).parse(JSON.parse(text));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON array of {"url": "...{currency}...", "path": "a.b"}' });
        return z.NEVER;
      }
    }),
  PRICE_CACHE_SECONDS: envInt(1, 3600).default(60),
  PRICE_FEED_TIMEOUT_MS: envInt(100, 30_000).default(3000),
  /** A paid trade whose seller neither releases nor disputes within this time becomes a dispute. */
  SELLER_RESPONSE_MINUTES: envInt(1, 10_080).default(1440),
  TRADE_JOBS_INTERVAL_SECONDS: envInt(1, 3600).default(30),
  TRUST_PROXY: envTrustProxy.default('loopback,uniquelocal'),
  LOG_LEVEL: logLevel,
});

export type Config = z.output<typeof configSchema>;
