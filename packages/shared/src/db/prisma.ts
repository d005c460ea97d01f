import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { mariadbConfig } from './connection.ts';
import { PrismaClient } from './generated/client.ts';

export interface PrismaOptions {
  connectionLimit?: number;
}

/** Prisma 7 over the mariadb driver adapter; one per service, passed in as a dependency. */
export function createPrismaClient(databaseUrl: string, options: PrismaOptions = {}): PrismaClient {
  const config = mariadbConfig(databaseUrl, { connectionLimit: options.connectionLimit ?? 10 });
  return new PrismaClient({ adapter: new PrismaMariaDb(config) });
}

export type { PrismaClient };
