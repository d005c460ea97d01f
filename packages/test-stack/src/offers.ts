import type { AddressInfo } from 'node:net';
import { buildApp as buildGateway, configSchema as gatewayConfigSchema } from '@pupero/gateway/testing';
import { buildApp as buildLogin } from '@pupero/login/testing';
import { buildApp, configSchema, createDeps, type OffersDeps } from '@pupero/offers/testing';
import { loadConfig } from '@pupero/shared/config';
import { keyEnvironment } from '@pupero/shared/key-plan';
import { buildApp as buildTransactions } from '@pupero/transactions/testing';
import pino from 'pino';
import { type LedgerStack, type StackContext, startLedgerStack } from './ledger.ts';

/**
 * The offer most tests trade on: selling XMR for EUR by SEPA at a fixed 150.00 EUR per XMR, 0.1 to
 * 5 XMR a trade; `overrides` changes any field.
 */
export const sellOfferBody = (overrides: Record<string, unknown> = {}) => ({
  side: 'SELL',
  fiatCurrency: 'EUR',
  paymentMethods: ['SEPA'],
  priceType: 'FIXED',
  fixedPrice: '150.00',
  minAmount: '0.1',
  maxAmount: '5',
  paymentWindowMinutes: 30,
  ...overrides,
});

type Party = { token: string };

/** Where a test seller's buyers pay: a SELL offer needs payment details before its buyer can say "money sent". */
export const TEST_PAYMENT_DETAILS = 'IBAN FR76 3000 6000 0112 3456 7890 189, BIC AGRIFRPP';

/**
 * The seller's new SELL offer (`sellOfferBody` with TEST_PAYMENT_DETAILS, then `overrides`) and the
 * buyer's trade of `amount` XMR on it, paid by SEPA.
 */
export async function tradeOnNewOffer(
  stack: LedgerStack,
  seller: Party,
  buyer: Party,
  amount: string,
  overrides: Record<string, unknown> = {},
) {
  const offer = await stack.api('POST', '/offers', {
    token: seller.token,
    body: sellOfferBody({ paymentDetails: TEST_PAYMENT_DETAILS, ...overrides }),
  });
  if (offer.status !== 201) throw new Error(`the offer was refused (${offer.status}): ${JSON.stringify(offer.body)}`);
  const trade = await stack.api('POST', `/offers/${offer.body.id}/trades`, { token: buyer.token, body: { amount, paymentMethod: 'SEPA' } });
  if (trade.status !== 201) throw new Error(`the trade was refused (${trade.status}): ${JSON.stringify(trade.body)}`);
  return { offer: offer.body as { id: number }, trade: trade.body as { id: number } };
}

/** The offers service's settings beside a ledger stack: its own keys and database user, regtest. */
export const offersEnvironment = (context: StackContext) => ({
  ...keyEnvironment(context.keys, 'offers'),
  MONERO_NETWORK: 'regtest',
  DATABASE_URL: context.databaseUrlFor('offers'),
  TRANSACTIONS_SERVICE_URL: context.transactionsUrl,
  LOGIN_SERVICE_URL: context.loginUrl,
  LOG_LEVEL: 'silent',
});

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
      const config = loadConfig(configSchema, { ...offersEnvironment(context), ...options.env });
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
