import { loadConfig } from '@pupero/shared/config';
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
const relay = startOutboxRelay(deps.pool, deps.broker, logger, config.OUTBOX_POLL_MS);
await consumeWithdrawalResults(deps, logger);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    logger.info({ signal }, 'shutting down');
    await app.close();
    await relay.stop();
    await deps.close();
    process.exit(0);
  });
}

await app.listen({ host: config.HOST, port: config.TRANSACTIONS_PORT });
