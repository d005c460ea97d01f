export { type AuditEntry, writeAudit } from './audit.ts';
export { databaseName, mariadbConfig, withDatabase } from './connection.ts';
export { Prisma } from './generated/client.ts';
export type { Role as DbRole } from './generated/enums.ts';
export {
  applyGrants,
  type DatabaseService,
  databasePasswordVariable,
  databaseServices,
  databaseUserName,
  databaseUserOf,
  grantsOf,
  serviceDatabaseUrl,
  tableAccess,
} from './grants.ts';
export { createDatabaseIfMissing, defaultMigrationsDir, migrate } from './migrate.ts';
export { createPrismaClient, type PrismaClient, type PrismaOptions } from './prisma.ts';
export { answerAfterRace, inTransaction, isCheckFailure, isDuplicateKey, queryRetrying } from './transaction.ts';
