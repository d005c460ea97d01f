import { connectBroker, exchangeFor } from '@pupero/shared/amqp';
import { createPrismaClient, mariadbConfig } from '@pupero/shared/db';
import { serviceClient } from '@pupero/shared/http';
import { tokenSettingsFrom } from '@pupero/shared/jwt';
import { droppedMessagesCounter } from '@pupero/shared/metrics';
import { addressValidator, stopMoneroWorker } from '@pupero/shared/monero';
import { tokenVersionCheck, tokenVersionReader } from '@pupero/shared/revocation';
import { createServiceTokenSigner } from '@pupero/shared/service-token';
import mariadb from 'mariadb';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { TransactionsDeps } from './deps.ts';
import { ledgerPoolOptions } from './ledger/sql.ts';

/** Builds the service's dependencies from its config (used by server.ts and by tests alike). */
export async function createDeps(config: Config, logger: Logger): Promise<TransactionsDeps & { close(): Promise<void> }> {
  const pool = mariadb.createPool(
    mariadbConfig(config.DATABASE_URL, { connectionLimit: config.DATABASE_POOL_SIZE, insertIdAsNumber: false, ...ledgerPoolOptions }),
  );
  const prisma = createPrismaClient(config.DATABASE_URL, { connectionLimit: 5 });
  // Its broker user may publish withdrawal requests and read results, nothing else (broker-provisioning.ts).
  const broker = await connectBroker(config.RABBITMQ_URL, {
    exchanges: [exchangeFor(config.RABBITMQ_QUEUE)],
    queues: [config.RABBITMQ_RESULTS_QUEUE],
    logger,
  });
  return {
    config,
    pool,
    prisma,
    broker,
    droppedMessages: droppedMessagesCounter(),
    tokens: tokenSettingsFrom(config, tokenVersionCheck(tokenVersionReader(pool))),
    login: serviceClient({
      baseUrl: config.LOGIN_SERVICE_URL,
      callee: 'login',
      serviceToken: createServiceTokenSigner(config.SERVICE_SIGNING_KEY, 'transactions'),
    }),
    isValidAddress: addressValidator(config.MONERO_NETWORK),
    async close() {
      await broker.close();
      await pool.end();
      await prisma.$disconnect();
      await stopMoneroWorker();
    },
  };
}
