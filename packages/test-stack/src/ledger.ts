import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { buildApp as buildGateway, configSchema as gatewayConfigSchema } from '@pupero/gateway/testing';
import { setRole } from '@pupero/login/testing';
import type { BrokerService } from '@pupero/shared/broker-provisioning';
import { loadConfig } from '@pupero/shared/config';
import type { DatabaseService } from '@pupero/shared/db';
import type { Server } from '@pupero/shared/http';
import { tokenSettingsFrom } from '@pupero/shared/jwt';
import { generateKeyRing, type KeyRing, keyEnvironment, type ServiceName } from '@pupero/shared/key-plan';
import { signingKeyFrom } from '@pupero/shared/keys';
import { createServiceTokenSigner } from '@pupero/shared/service-token';
import { deleteTestBroker, holdBrokerLock, type JsonClient, jsonClient, provisionTestBroker } from '@pupero/shared/testing';
import {
  buildApp,
  configSchema,
  consumeWithdrawalResults,
  createDeps,
  startOutboxRelay,
  type TransactionsDeps,
} from '@pupero/transactions/testing';
import pino from 'pino';
import { startLogin, type TestLogin } from './login.ts';

/** Valid Monero mainnet-format addresses (regtest uses mainnet prefixes) and a corrupted one. */
export const ADDRESS = '44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A';
export const BAD_ADDRESS = `${ADDRESS.slice(0, -1)}B`;

export interface LedgerStack {
  api: JsonClient;
  gatewayUrl: string;
  /** The gateway itself (a test may stop it early; closing it twice is harmless). */
  gateway: Server;
  /** Every key of this stack: a frontend in front of this gateway takes its own from here. */
  keys: KeyRing;
  /** Straight to the transactions service with a service token signed by `caller`'s own key. */
  service(caller: ServiceName): JsonClient;
  deps: TransactionsDeps;
  login: TestLogin;
  queue: string;
  resultsQueue: string;
  signUp(prefix?: string): Promise<{ id: number; username: string; password: string; token: string }>;
  makeAdmin(username: string, password: string): Promise<string>;
  fund(userId: number, amount: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real login, transactions and gateway services over one fresh database, with the outbox
 * relay and the results consumer running against the real RabbitMQ on queues of this test file.
 */
export interface StackContext {
  /** The admin (root) URL: for a test's own setup, never for a service. */
  databaseUrl: string;
  /** The URL a service started beside connects with: its own database user and grants. */
  databaseUrlFor(service: DatabaseService): string;
  loginUrl: string;
  transactionsUrl: string;
  keys: KeyRing;
  queue: string;
  resultsQueue: string;
  /** Each broker service's own user on this stack's exchanges and queues (transactions uses its own). */
  brokerUrls: Record<BrokerService, string>;
}

/** Another service started beside the ledger, before the gateway (which then routes to it). */
export interface ExtraService {
  gatewayEnv: Record<string, string>;
  /** What login must know of it: OFFERS_SERVICE_URL (login asks offers before deleting an account). */
  loginEnv?: { OFFERS_SERVICE_URL?: string };
  close(): Promise<void>;
}

export async function startLedgerStack(
  options: {
    relay?: boolean;
    env?: Record<string, string>;
    /** Login's settings over the stack's own (the throttles, for a tool that fails logins on purpose). */
    loginEnv?: Record<string, string>;
    beside?: (context: StackContext) => Promise<ExtraService>;
  } = {},
): Promise<LedgerStack> {
  const releaseLock = await holdBrokerLock();
  const keys = generateKeyRing();
  const login = await startLogin({ LOGIN_MAX_ACCOUNTS_PER_ADDRESS: '1000000', ...options.loginEnv }, { keys });
  const tag = randomUUID().slice(0, 8);
  const queue = `pupero.test.withdrawals.${tag}`;
  const resultsQueue = `pupero.test.withdrawal-results.${tag}`;
  const brokerUrls = await provisionTestBroker({ queue, resultsQueue });
  const config = loadConfig(configSchema, {
    ...keyEnvironment(keys, 'transactions'),
    DATABASE_URL: login.db.urlFor('transactions'),
    RABBITMQ_URL: brokerUrls.transactions,
    RABBITMQ_QUEUE: queue,
    RABBITMQ_RESULTS_QUEUE: resultsQueue,
    LOGIN_SERVICE_URL: login.url,
    MONERO_NETWORK: 'regtest',
    LOG_LEVEL: 'silent',
    OUTBOX_POLL_MS: '50',
    ...options.env,
  });
  const logger = pino({ level: 'silent' });
  const deps = await createDeps(config, logger);
  const app: Server = buildApp(deps, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const transactionsUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const relay = options.relay === false ? undefined : startOutboxRelay(deps, logger);
  await consumeWithdrawalResults(deps, logger);

  const extra = await options.beside?.({
    databaseUrl: login.db.url,
    databaseUrlFor: login.db.urlFor,
    loginUrl: login.url,
    transactionsUrl,
    keys,
    queue,
    resultsQueue,
    brokerUrls,
  });
  login.usePeers({ TRANSACTIONS_SERVICE_URL: transactionsUrl, ...extra?.loginEnv });
  const gatewayConfig = loadConfig(gatewayConfigSchema, {
    ...keyEnvironment(keys, 'gateway'),
    LOGIN_SERVICE_URL: login.url,
    TRANSACTIONS_SERVICE_URL: transactionsUrl,
    LOG_LEVEL: 'silent',
    AUTH_RATE_LIMIT_MAX: '100000',
    RATE_LIMIT_MAX: '1000000',
    ...extra?.gatewayEnv,
  });
  const gateway = await buildGateway({ config: gatewayConfig, tokens: tokenSettingsFrom(gatewayConfig) }, { logger: false });
  await gateway.listen({ host: '127.0.0.1', port: 0 });
  const gatewayUrl = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;
  const api = jsonClient(gatewayUrl);

  const service = (caller: ServiceName) => {
    const own = keys.services[caller];
    if (!own) throw new Error(`${caller} has no signing key`);
    const token = createServiceTokenSigner(signingKeyFrom(own.privateKey), caller);
    const client = jsonClient(transactionsUrl);
    return ((method, path, opts = {}) =>
      client(method, path, { ...opts, headers: { 'x-service-token': token('transactions'), ...opts.headers } })) as JsonClient;
  };

  let n = 0;
  const stack: LedgerStack = {
    api,
    gatewayUrl,
    gateway,
    keys,
    service,
    deps,
    login,
    queue,
    resultsQueue,
    async signUp(prefix = 'u') {
      n += 1;
      const username = `${prefix}${n}_${tag}`.slice(0, 32);
      const password = 'a long enough password';
      const user = await api('POST', '/auth/register', { body: { email: `${username}@example.test`, username, password } });
      const session = await api('POST', '/auth/login', { body: { identifier: username, password } });
      return { id: user.body.id, username, password, token: session.body.accessToken };
    },
    async makeAdmin(username, password) {
      await setRole({ prisma: login.prisma }, username, 'admin');
      return (await api('POST', '/auth/login', { body: { identifier: username, password } })).body.accessToken;
    },
    async fund(userId, amount) {
      const txHash = randomUUID().replaceAll('-', '').padEnd(64, '0');
      const res = await service('wallet-manager')('POST', '/deposits/credit', {
        body: { userId, txHash, subaddressIndex: userId, amount },
      });
      if (res.status !== 201) throw new Error(`funding failed: ${res.status} ${JSON.stringify(res.body)}`);
    },
    async close() {
      await gateway.close();
      await extra?.close();
      await app.close();
      await relay?.stop();
      await deleteTestBroker({ queue, resultsQueue });
      await deps.close();
      await login.close();
      await releaseLock();
    },
  };
  return stack;
}
