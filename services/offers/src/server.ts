import { loadConfig } from '@pupero/shared/config';
import { loggerOptions } from '@pupero/shared/logger';
import pino from 'pino';
import { buildApp } from './app.ts';
import { configSchema } from './config.ts';
import { startTradeJobs } from './domain/trades/jobs.ts';
import { createDeps } from './wiring.ts';

const config = loadConfig(configSchema, process.env);
const logger = pino(loggerOptions('offers', config.LOG_LEVEL));
const deps = await createDeps(config, logger);
const app = buildApp(deps);
const stopJobs = startTradeJobs(deps);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    logger.info({ signal }, 'shutting down');
    await app.close();
    await stopJobs();
    await deps.close();
    process.exit(0);
  });
}

await app.listen({ host: config.HOST, port: config.OFFERS_PORT });
