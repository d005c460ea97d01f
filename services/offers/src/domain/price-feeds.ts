import { tryParseFiat } from '@pupero/shared/fiat';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';

type Feed = Config['PRICE_FEEDS'][number];

/** Asks every feed at once; the median of those that answered in time, or null when none did. */
export async function askFeeds(
  config: Pick<Config, 'PRICE_FEEDS' | 'PRICE_FEED_TIMEOUT_MS'>,
  fiatCurrency: string,
  logger: Logger,
): Promise<bigint | null> {
  const answers = await Promise.all(
    config.PRICE_FEEDS.map((feed, index) =>
      askFeed(feed, fiatCurrency, config.PRICE_FEED_TIMEOUT_MS).catch((error: unknown) => {
        // The host only: a feed URL may carry an API key.
        logger.warn({ feed: index, host: hostOf(feed.url), fiatCurrency, reason: String(error) }, 'price feed did not answer');
        return null;
      }),
    ),
  );
  const prices = answers.filter((p): p is bigint => p !== null);
  return prices.length === 0 ? null : median(prices);
}

async function askFeed(feed: Feed, fiatCurrency: string, timeoutMs: number): Promise<bigint> {
  const code = fiatCurrency.toLowerCase();
  // The signal bounds the whole exchange, reading the body included.
  const response = await fetch(feed.url.replaceAll('{currency}', code), {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`answered ${response.status}`);
  const body: unknown = await response.json();
  return readPrice(valueAt(body, feed.path.replaceAll('{currency}', code)));
}

function valueAt(body: unknown, path: string): unknown {
  let current = body;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * A feed's price as an exact decimal. A JSON number is read through its shortest decimal text
 * (String(n)), never through float arithmetic; digits past the 8th decimal are cut, since feeds
 * commonly quote more precision than DECIMAL(20,8) keeps.
 */
export function readPrice(value: unknown): bigint {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('the price is not a finite number');
  if (typeof value !== 'number' && typeof value !== 'string') throw new Error('no price at the configured path');
  const text = String(value).replace(/^(\d+\.\d{8})\d+$/, '$1');
  const parsed = tryParseFiat(text);
  if (!parsed.ok) throw new Error(`unreadable price ${JSON.stringify(value).slice(0, 40)}: ${parsed.reason}`);
  if (parsed.scaled <= 0n) throw new Error('the price is not positive');
  return parsed.scaled;
}

/** The middle value; for an even count, the mean of the two middle ones (rounded down). */
export function median(values: readonly bigint[]): bigint {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2n;
}

function hostOf(url: string): string {
  try {
    return new URL(url.replaceAll('{currency}', 'xxx')).host;
  } catch {
    return 'invalid url';
  }
}
