import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brokerServices, serviceBrokerUrls } from '@pupero/shared/broker-provisioning';
import {
  applyGrants,
  type DatabaseService,
  databaseServices,
  databaseUserOf,
  migrate,
  serviceDatabaseUrl,
  withDatabase,
} from '@pupero/shared/db';
import { generateKeyRing, keyEnvironment } from '@pupero/shared/key-plan';
import { freePort } from '@pupero/shared/testing';
import { RPC_PASSWORD, RPC_USER } from '../chain.ts';
import { type FaultChain, startFaultChain } from './chain.ts';
import type { Supervised } from './processes.ts';
import { type PrivateMariaDb, type PrivateRabbitMq, privateMariaDb, privateRabbitMq } from './servers.ts';
import { type BackEnd, backEnds, type ServiceProcess, serviceProcess } from './services.ts';

/** Every part the run restarts, in the order a round goes through them. */
export const targetNames = ['mariadb', 'rabbitmq', 'monerod', 'wallet-rpc', ...backEnds] as const;
export type TargetName = (typeof targetNames)[number];

export interface Platform {
  dir: string;
  gatewayUrl: string;
  adminDatabaseUrl: string;
  chain: FaultChain;
  services: Record<BackEnd, ServiceProcess>;
  targets: Record<TargetName, Supervised>;
  /** The services whose /healthz is not 200 now. */
  unhealthy(): Promise<BackEnd[]>;
  shutdown(): Promise<void>;
}

const DATABASE = 'pupero';

/** Settings that make a short run possible: quick jobs and few confirmations, limits out of the way. */
const runSettings = {
  LOG_LEVEL: 'warn',
  MONERO_NETWORK: 'regtest',
  ACCESS_TOKEN_TTL_SECONDS: '3600',
  LOGIN_MAX_ACCOUNTS_PER_ADDRESS: '1000000',
  RATE_LIMIT_MAX: '1000000',
  AUTH_RATE_LIMIT_MAX: '1000000',
  OUTBOX_POLL_MS: '100',
  SWEEP_INTERVAL_SECONDS: '1',
  DEPOSIT_CONFIRMATIONS: '2',
  WITHDRAWAL_RETRY_SECONDS: '1',
  TRADE_JOBS_INTERVAL_SECONDS: '2',
  TRADE_OPENS_PER_HOUR: '10000',
  TRADE_COOL_OFF_AFTER_UNPAID: '1000',
  TRADE_MAX_UNPAID_PER_TAKER: '1000',
  // The gateway answers 504 after this: shorter than the client's own patience.
  UPSTREAM_TIMEOUT_MS: '15000',
};

/**
 * Everything on this machine, private to the run: MariaDB, RabbitMQ, the regtest chain, and the
 * five back-end services as child processes, each with its own keys, database user and broker user.
 */
export async function startPlatform(options: { log?: (line: string) => void; keep?: boolean } = {}): Promise<Platform> {
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pupero-faults-'));
  const sub = (name: string) => {
    const at = path.join(dir, name);
    mkdirSync(at, { recursive: true });
    return at;
  };
  const started: Supervised[] = [];
  let chain: FaultChain | undefined;
  const shutdown = async () => {
    for (const part of started.reverse()) await part.shutdown().catch(() => undefined);
    await chain?.shutdown().catch(() => undefined);
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  };
  try {
    log(`private MariaDB and RabbitMQ, regtest chain under ${dir}`);
    const [mariadb, rabbitmq] = await Promise.all([
      privateMariaDb(sub('mariadb'), await freePort()),
      privateRabbitMq(sub('rabbitmq'), { amqp: await freePort(), dist: await freePort() }),
    ]);
    started.push(mariadb, rabbitmq);
    const chainReady = startFaultChain(sub('chain')).then((ready) => {
      chain = ready;
      return ready;
    });
    const [accounts, brokerUrls] = await Promise.all([
      mariadb.start().then(() => prepareDatabase(mariadb)),
      rabbitmq.start().then(() => prepareBroker(rabbitmq)),
      chainReady.catch(() => undefined),
    ]);
    log('database migrated, broker provisioned, chain mined; starting the services');
    const ready = await chainReady;
    const services = await startServices(accounts, brokerUrls, ready, sub('logs'));
    started.push(...Object.values(services));
    log('services up');
    const targets = { mariadb, rabbitmq, monerod: ready.monerod, 'wallet-rpc': ready.walletRpc, ...services };
    return {
      dir,
      gatewayUrl: services.gateway.url,
      adminDatabaseUrl: withDatabase(mariadb.adminUrl, DATABASE),
      chain: ready,
      services,
      targets,
      async unhealthy() {
        const answers = await Promise.all(backEnds.map(async (name) => [name, await services[name].healthy()] as const));
        return answers.filter(([, ok]) => !ok).map(([name]) => name);
      },
      shutdown,
    };
  } catch (error) {
    await shutdown();
    throw error;
  }
}

type DatabaseUrls = Record<DatabaseService, string>;

/** Migrations, then a user per service with exactly its grants (migrate-cli.ts does the same). */
async function prepareDatabase(mariadb: PrivateMariaDb): Promise<DatabaseUrls> {
  const adminUrl = withDatabase(mariadb.adminUrl, DATABASE);
  const passwords = Object.fromEntries(databaseServices.map((s) => [s, randomBytes(18).toString('base64url')])) as DatabaseUrls;
  await migrate(adminUrl);
  await applyGrants(adminUrl, DATABASE, passwords, { host: '%' });
  return Object.fromEntries(databaseServices.map((s) => [s, serviceDatabaseUrl(adminUrl, DATABASE, s, passwords[s])])) as DatabaseUrls;
}

async function prepareBroker(rabbitmq: PrivateRabbitMq) {
  const passwords = Object.fromEntries(brokerServices.map((s) => [s, randomBytes(18).toString('base64url')])) as Record<
    (typeof brokerServices)[number],
    string
  >;
  const plan = { queue: 'pupero.withdrawals', resultsQueue: 'pupero.withdrawal-results', passwords };
  await rabbitmq.provision(plan);
  return serviceBrokerUrls(plan, rabbitmq.url);
}

async function startServices(
  databaseUrls: DatabaseUrls,
  brokerUrls: ReturnType<typeof serviceBrokerUrls>,
  chain: FaultChain,
  logDir: string,
): Promise<Record<BackEnd, ServiceProcess>> {
  const keys = generateKeyRing();
  const ports = Object.fromEntries(await Promise.all(backEnds.map(async (name) => [name, await freePort()]))) as Record<BackEnd, number>;
  const url = (name: BackEnd) => `http://127.0.0.1:${ports[name]}`;
  const peers = {
    LOGIN_SERVICE_URL: url('login'),
    TRANSACTIONS_SERVICE_URL: url('transactions'),
    OFFERS_SERVICE_URL: url('offers'),
    WALLET_MANAGER_SERVICE_URL: url('wallet-manager'),
  };
  const own: Record<BackEnd, Record<string, string>> = {
    login: { LOGIN_PORT: String(ports.login) },
    transactions: { TRANSACTIONS_PORT: String(ports.transactions), RABBITMQ_URL: brokerUrls.transactions },
    'wallet-manager': {
      WALLET_MANAGER_PORT: String(ports['wallet-manager']),
      RABBITMQ_URL: brokerUrls['wallet-manager'],
      WALLET_RPC_URL: chain.platformRpcUrl,
      MONEROD_RPC_URL: chain.daemonUrl,
      MONERO_RPC_USER: RPC_USER,
      MONERO_RPC_PASSWORD: RPC_PASSWORD,
      WALLET_NAME: 'platform',
      WALLET_PASSWORD: 'platform-wallet-password',
      // The outside wallet doubles as the regtest faucet.
      REGTEST_FAUCET_WALLET_RPC_URL: chain.externalRpcUrl,
      REGTEST_FAUCET_WALLET_NAME: 'external',
      REGTEST_FAUCET_WALLET_PASSWORD: 'external',
    },
    offers: { OFFERS_PORT: String(ports.offers) },
    gateway: { GATEWAY_PORT: String(ports.gateway) },
  };
  const services = {} as Record<BackEnd, ServiceProcess>;
  // In start order (scripts/start.mjs): the gateway last, its health being the others'.
  for (const name of backEnds) {
    const database: Record<string, string> = name === 'gateway' ? {} : { DATABASE_URL: databaseUrls[databaseUserOf[name]] };
    const env = { ...runSettings, ...peers, ...keyEnvironment(keys, name), ...database, ...own[name] };
    services[name] = serviceProcess(name, ports[name], env, logDir);
  }
  await Promise.all(backEnds.filter((name) => name !== 'gateway').map((name) => services[name].start()));
  await services.gateway.start();
  return services;
}
