import { once } from 'node:events';
import { loadConfig } from '@pupero/shared/config';
import { createApp } from './app.ts';
import { configSchema } from './config.ts';
import { createLogger } from './http/logging.ts';
import { createDeps } from './wiring.ts';

const config = loadConfig(configSchema, process.env);
const logger = createLogger(config.LOG_LEVEL);
const deps = createDeps(config, logger);
const server = createApp(deps).listen(config.FRONTEND_PORT, config.HOST);
await once(server, 'listening');
logger.info({ port: config.FRONTEND_PORT, host: config.HOST }, 'frontend listening');

// Stop taking connections, let the requests in flight finish, then close the session store's pool.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    server.close(async () => {
      await deps.close();
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
  });
}
