import { loadConfig } from '@pupero/shared/config';
import { serve } from '@pupero/shared/http';
import { loggerOptions } from '@pupero/shared/logger';
import pino from 'pino';
import { buildApp } from './app.ts';
import { configSchema } from './config.ts';
import { startJobs } from './jobs.ts';
import { consumeWithdrawals } from './messaging/withdrawal-consumer.ts';
import { createDeps } from './wiring.ts';

const config = loadConfig(configSchema, process.env);
const logger = pino(loggerOptions('wallet-manager', config.LOG_LEVEL));
const deps = await createDeps(config, logger);
const app = buildApp(deps);
const stopJobs = startJobs(deps);
await consumeWithdrawals(deps);

await serve(app, { host: config.HOST, port: config.WALLET_MANAGER_PORT }, async () => {
  await stopJobs();
  await deps.close();
});
