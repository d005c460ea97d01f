import type { AddressInfo } from 'node:net';
import { buildApp as buildGateway, configSchema as gatewayConfigSchema } from '@pupero/gateway/testing';
import { buildApp as buildLogin } from '@pupero/login/testing';
import { buildApp, configSchema, createDeps, type OffersDeps } from '@pupero/offers/testing';
import { loadConfig } from '@pupero/shared/config';
import { keyEnvironment } from '@pupero/shared/key-plan';
import { buildApp as buildTransactions } from '@pupero/transactions/testing';
import pino from 'pino';
import { type LedgerStack, startLedgerStack } from './ledger.ts';

export interface OffersStack extends LedgerStack {
  offers: OffersDeps;
  offersUrl: string;
}

/**
 * Login, transactions, offers and the gateway over one fresh database (the real services, on free
 * ports). `env` overrides the offers service's settings (PRICE_FEEDS, SELLER_RESPONSE_MINUTES, …);
 * `now` moves its clock (trade deadlines) without waiting.
 */
export async function startOffersStack(options: { env?: Record<string, string>; now?: () => Date } = {}): Promise<OffersStack> {
  let offers: (OffersDeps & { close(): Promise<void> }) | undefined;
  let offersUrl = '';
  const ledger = await startLedgerStack({
    beside: async (context) => {
      const config = loadConfig(configSchema, {
        ...keyEnvironment(context.keys, 'offers'),
        MONERO_NETWORK: 'regtest',
        DATABASE_URL: context.databaseUrlFor('offers'),
        TRANSACTIONS_SERVICE_URL: context.transactionsUrl,
        LOGIN_SERVICE_URL: context.loginUrl,
        LOG_LEVEL: 'silent',
        ...options.env,
      });
      const deps = await createDeps(config, pino({ level: 'silent' }));
      offers = options.now ? Object.assign(deps, { now: options.now }) : deps;
      const app = buildApp(offers, { logger: false });
      await app.listen({ host: '127.0.0.1', port: 0 });
      offersUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      return {
        gatewayEnv: { OFFERS_SERVICE_URL: offersUrl },
        loginEnv: { OFFERS_SERVICE_URL: offersUrl },
        async close() {
          await app.close();
          await deps.close();
        },
      };
    },
  });
  return Object.assign(ledger, { offers: offers!, offersUrl });
}

/**
 * The login, gateway, transactions and offers apps built on the stack's own dependencies (not
 * listening): for checks that `inject` into each service, such as its /metrics.
 */
export async function serviceApps(stack: OffersStack) {
  const gatewayConfig = loadConfig(gatewayConfigSchema, {
    LOGIN_SERVICE_URL: stack.login.url,
    ...keyEnvironment(stack.login.keys, 'gateway'),
    LOG_LEVEL: 'silent',
  });
  return {
    login: buildLogin(stack.login.deps, { logger: false }),
    gateway: await buildGateway({ config: gatewayConfig, tokens: stack.deps.tokens }, { logger: false }),
    transactions: buildTransactions(stack.deps, { logger: false }),
    offers: buildApp(stack.offers, { logger: false }),
  };
}
