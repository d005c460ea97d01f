import type { Broker } from '@pupero/shared/amqp';
import type { PrismaClient } from '@pupero/shared/db';
import type { ServiceCall } from '@pupero/shared/http';
import type { TokenSettings } from '@pupero/shared/jwt';
import type { DroppedMessages } from '@pupero/shared/metrics';
import type { Pool } from 'mariadb';
import type { Config } from './config.ts';

/** What the transactions service's routes, domain and jobs need; built in server.ts (or a test). */
export interface TransactionsDeps {
  config: Config;
  /** The mariadb driver's pool: money movements and reads run on it (Prisma's transactions are ~4× slower, docs/performance.md). */
  pool: Pool;
  /** Prisma, for the audit log. */
  prisma: PrismaClient;
  tokens: TokenSettings;
  /** Calls the login service (to check a TOTP code before money leaves). */
  login: ServiceCall;
  broker: Broker;
  /** Withdrawal results dropped by the consumer (forged, malformed, refused); shown on /metrics. */
  droppedMessages: DroppedMessages;
  isValidAddress: (address: string) => Promise<boolean>;
}
