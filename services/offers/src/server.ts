import { loadConfig } from '@pupero/shared/config';
import { serve } from '@pupero/shared/http';
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

await serve(app, { host: config.HOST, port: config.OFFERS_PORT }, async () => {
  await stopJobs();
  await deps.close();
});
