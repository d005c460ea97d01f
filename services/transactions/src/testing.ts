// This service's one entry point for code outside it (package.json "exports":
// @pupero/transactions/testing): what packages/test-stack and the benchmarks start it with.
export { buildApp } from './app.ts';
export { configSchema } from './config.ts';
export type { TransactionsDeps } from './deps.ts';
export { ledgerPoolOptions } from './ledger/sql.ts';
export { transfer } from './ledger/transfer.ts';
export { startOutboxRelay } from './messaging/outbox-relay.ts';
export { consumeWithdrawalResults } from './messaging/results-consumer.ts';
export { createDeps } from './wiring.ts';
