import { mariadbConfig } from '@pupero/shared/db';
import { serviceClient } from '@pupero/shared/http';
import { tokenSettingsFrom } from '@pupero/shared/jwt';
import { tokenVersionCheck, tokenVersionReader } from '@pupero/shared/revocation';
import { createServiceTokenSigner } from '@pupero/shared/service-token';
import mariadb from 'mariadb';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { OffersDeps } from './deps.ts';
import { createPriceSource } from './domain/prices.ts';

export async function createDeps(config: Config, logger: Logger): Promise<OffersDeps & { close(): Promise<void> }> {
  const pool = mariadb.createPool(mariadbConfig(config.DATABASE_URL, { connectionLimit: 20 }));
  const signer = createServiceTokenSigner(config.SERVICE_SIGNING_KEY, 'offers');
  return {
    config,
    pool,
    logger,
    tokens: tokenSettingsFrom(config, tokenVersionCheck(tokenVersionReader(pool))),
    transactions: serviceClient({ baseUrl: config.TRANSACTIONS_SERVICE_URL, callee: 'transactions', serviceToken: signer }),
    login: serviceClient({ baseUrl: config.LOGIN_SERVICE_URL, callee: 'login', serviceToken: signer }),
    prices: createPriceSource(config, pool, logger),
    async close() {
      await pool.end();
    },
  };
}
