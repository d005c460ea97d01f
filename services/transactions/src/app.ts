import { createServer, healthRoute, type Server } from '@pupero/shared/http';
import { loggerOptions } from '@pupero/shared/logger';
import type { TransactionsDeps } from './deps.ts';
import { accountRoutes } from './routes/accounts.ts';
import { adminRoutes } from './routes/admin.ts';
import { internalRoutes } from './routes/internal.ts';
import { withdrawalRoutes } from './routes/withdrawals.ts';

/** The transactions service: the ledger (balances, transfers, escrow holds) and withdrawal requests. */
export function buildApp(deps: TransactionsDeps, options: { logger?: boolean } = {}): Server {
  const app = createServer({
    logger: options.logger === false ? false : loggerOptions('transactions', deps.config.LOG_LEVEL),
    trustProxy: deps.config.TRUST_PROXY,
  });
  accountRoutes(app, deps);
  withdrawalRoutes(app, deps);
  adminRoutes(app, deps);
  internalRoutes(app, deps);
  healthRoute(app, {
    database: () => deps.pool.query('SELECT 1'),
    rabbitmq: async () => {
      if (!deps.broker.isConnected()) throw new Error('not connected');
    },
  });
  return app;
}
