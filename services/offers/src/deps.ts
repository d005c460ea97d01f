import type { ServiceCall } from '@pupero/shared/http';
import type { TokenSettings } from '@pupero/shared/jwt';
import type { Pool } from 'mariadb';
import type { Logger } from 'pino';
import type { Config } from './config.ts';

/** The market price of 1 XMR in a fiat currency, scaled by 10^8 (see @pupero/shared/fiat). */
export interface PriceSource {
  priceOf(fiatCurrency: string): Promise<bigint>;
  /** The same, saying whether it came from the feeds or the admin-set fallback. */
  quote(fiatCurrency: string): Promise<{ price: bigint; source: 'feeds' | 'fallback' }>;
}

export interface OffersDeps {
  config: Config;
  pool: Pool;
  tokens: TokenSettings;
  /** The ledger (escrow holds, the release transfer). */
  transactions: ServiceCall;
  /** The login service (TOTP check before a release). */
  login: ServiceCall;
  prices: PriceSource;
  logger: Logger;
  now?: () => Date;
}

export const clock = (deps: Pick<OffersDeps, 'now'>) => (deps.now ? deps.now() : new Date());
