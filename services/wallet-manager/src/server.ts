import { loadConfig } from '@pupero/shared/config';
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

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    logger.info({ signal }, 'shutting down');
    await app.close();
    await stopJobs();
    await deps.close();
    process.exit(0);
  });
}

await app.listen({ host: config.HOST, port: config.WALLET_MANAGER_PORT });
