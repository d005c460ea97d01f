import { loadConfig } from '@pupero/shared/config';
import { serve } from '@pupero/shared/http';
import { loggerOptions } from '@pupero/shared/logger';
import pino from 'pino';
import { buildApp } from './app.ts';
import { configSchema } from './config.ts';
import { startOutboxRelay } from './messaging/outbox-relay.ts';
import { consumeWithdrawalResults } from './messaging/results-consumer.ts';
import { createDeps } from './wiring.ts';

const config = loadConfig(configSchema, process.env);
const logger = pino(loggerOptions('transactions', config.LOG_LEVEL));
const deps = await createDeps(config, logger);
const app = buildApp(deps);
const relay = startOutboxRelay(deps, logger);
await consumeWithdrawalResults(deps, logger);

await serve(app, { host: config.HOST, port: config.TRANSACTIONS_PORT }, async () => {
  await relay.stop();
  await deps.close();
});
