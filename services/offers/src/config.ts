import {
  accessTokenVariables,
  envInt,
  envPort,
  envTrustProxy,
  envUrl,
  envXmr,
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
  ...tradeLimitVariables(),
  TRUST_PROXY: envTrustProxy.default('loopback,uniquelocal'),
  LOG_LEVEL: logLevel,
});

/**
 * What a taker may do before it costs someone else (see docs/operations.md, "Trade limits"): every
 * limit is counted from the trades and trade_messages tables, so it holds across replicas.
 */
function tradeLimitVariables() {
  return {
    /** Trades awaiting payment a taker may have open at once, over all offers … */
    TRADE_MAX_UNPAID_PER_TAKER: envInt(1, 1000).default(3),
    /** … and on one offer. */
    TRADE_MAX_UNPAID_PER_OFFER: envInt(1, 1000).default(1),
    /** A taker with fewer completed trades than this is new … */
    TRADE_NEW_TAKER_COMPLETED_TRADES: envInt(0, 1000).default(3),
    /** … and its open trades (unpaid, paid or disputed) may hold at most this much XMR in all. */
    TRADE_NEW_TAKER_MAX_XMR: envXmr.default(1_000_000_000_000n),
    /** This many trades left unpaid within TRADE_COOL_OFF_HOURS … */
    TRADE_COOL_OFF_AFTER_UNPAID: envInt(1, 1000).default(2),
    /** … and the taker opens no trade until this long after the last of them. */
    TRADE_COOL_OFF_HOURS: envInt(1, 720).default(24),
    /** A buyer's own cancellation later than this after opening counts as left unpaid (else waiting for the window and cancelling at the last minute would be free). */
    TRADE_CANCEL_GRACE_MINUTES: envInt(0, 1440).default(15),
    TRADE_OPENS_PER_HOUR: envInt(1, 10_000).default(10),
    /** Chat messages one person may post in one trade, and per minute. */
    CHAT_MAX_MESSAGES_PER_PARTY: envInt(1, 100_000).default(200),
    CHAT_MESSAGES_PER_MINUTE: envInt(1, 10_000).default(20),
  };
}

export type Config = z.output<typeof configSchema>;
