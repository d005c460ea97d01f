import { inTransaction } from '@pupero/shared/db';
import { AppError } from '@pupero/shared/errors';
import { formatFiat, tryParseFiat } from '@pupero/shared/fiat';
import type { Pool } from 'mariadb';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { PriceSource } from '../deps.ts';
import { askFeeds } from './price-feeds.ts';

/** A market price (fiat per XMR, scaled by 10^8) and where it came from. */
export interface MarketQuote {
  price: bigint;
  source: 'feeds' | 'fallback';
}

export interface MarketPriceSource extends PriceSource {
  quote(fiatCurrency: string): Promise<MarketQuote>;
}

/**
 * The market price: the median of the configured feeds, remembered per currency for
 * PRICE_CACHE_SECONDS; when no feed answers, the admin-set fallback. A failed round is remembered
 * too, so a feed that hangs costs one timeout per period rather than one per request; the
 * fallback itself is read from the database each time, so an admin's new value applies at once.
 */
export function createPriceSource(config: Config, pool: Pool, logger: Logger): MarketPriceSource {
  const cache = new Map<string, { until: number; median: bigint | null }>();
  const asking = new Map<string, Promise<bigint | null>>();

  function feedMedian(fiatCurrency: string): Promise<bigint | null> {
    const cached = cache.get(fiatCurrency);
    if (cached && cached.until > Date.now()) return Promise.resolve(cached.median);
    // Concurrent requests share one round of feed calls.
    let round = asking.get(fiatCurrency);
    if (!round) {
      round = askFeeds(config, fiatCurrency, logger)
        .then((median) => {
          cache.set(fiatCurrency, { until: Date.now() + config.PRICE_CACHE_SECONDS * 1000, median });
          return median;
        })
        .finally(() => asking.delete(fiatCurrency));
      asking.set(fiatCurrency, round);
    }
    return round;
  }

  async function quote(fiatCurrency: string): Promise<MarketQuote> {
    const median = await feedMedian(fiatCurrency);
    if (median !== null) return { price: median, source: 'feeds' };
    const fallback = await fallbackPrice(pool, fiatCurrency);
    if (fallback !== undefined) return { price: fallback, source: 'fallback' };
    throw new AppError('SERVICE_UNAVAILABLE', `No market price for ${fiatCurrency}`);
  }

  return { quote, priceOf: async (fiatCurrency) => (await quote(fiatCurrency)).price };
}

/** The market price, or null when none is known (an offer then shows no price rather than failing). */
export async function marketPriceOrNull(prices: PriceSource, fiatCurrency: string): Promise<bigint | null> {
  try {
    return await prices.priceOf(fiatCurrency);
  } catch (error) {
    if (error instanceof AppError && error.code === 'SERVICE_UNAVAILABLE') return null;
    throw error;
  }
}

async function fallbackPrice(pool: Pool, fiatCurrency: string): Promise<bigint | undefined> {
  const [row] = (await pool.query('SELECT CAST(price AS CHAR) AS price FROM price_fallbacks WHERE fiat_currency = ?', [fiatCurrency])) as {
    price: string;
  }[];
  return row ? readFiat(row.price, fiatCurrency) : undefined;
}

function readFiat(text: string, fiatCurrency: string): bigint {
  const parsed = tryParseFiat(text);
  if (!parsed.ok) throw new Error(`unreadable fallback price for ${fiatCurrency}: ${text}`);
  return parsed.scaled;
}

/** Sets the admin fallback of a currency and records who did it, in one transaction. */
export async function setFallbackPrice(
  pool: Pool,
  input: { fiatCurrency: string; price: bigint; actorId: number; ip: string },
): Promise<{ previous: bigint | null; updatedAt: Date }> {
  return inTransaction(pool, async (conn) => {
    const [before] = (await conn.query('SELECT CAST(price AS CHAR) AS price FROM price_fallbacks WHERE fiat_currency = ? FOR UPDATE', [
      input.fiatCurrency,
    ])) as { price: string }[];
    const updatedAt = new Date();
    const text = formatFiat(input.price);
    await conn.query(
      `INSERT INTO price_fallbacks (fiat_currency, price, updated_by, updated_at) VALUES (?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE price = VALUES(price), updated_by = VALUES(updated_by), updated_at = VALUES(updated_at)`,
      [input.fiatCurrency, text, input.actorId, updatedAt],
    );
    const previous = before ? readFiat(before.price, input.fiatCurrency) : null;
    const details = { fiatCurrency: input.fiatCurrency, price: text, previous: previous === null ? null : formatFiat(previous) };
    await conn.query("INSERT INTO audit_log (action, actor_id, ip, details) VALUES ('ADMIN_PRICE_FALLBACK', ?, ?, ?)", [
      input.actorId,
      input.ip,
      JSON.stringify(details),
    ]);
    return { previous, updatedAt };
  });
}
