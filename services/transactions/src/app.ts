import { createServer, healthRoute, type Server, serviceOpenApi } from '@pupero/shared/http';
import { loggerOptions } from '@pupero/shared/logger';
import { countsByKey, registerMetrics } from '@pupero/shared/metrics';
import type { TransactionsDeps } from './deps.ts';
import { accountRoutes } from './routes/accounts.ts';
import { adminRoutes } from './routes/admin.ts';
import { internalRoutes } from './routes/internal.ts';
import { userInternalRoutes } from './routes/users-internal.ts';
import { withdrawalRoutes } from './routes/withdrawals.ts';

/** The transactions service: the ledger (balances, transfers, escrow holds) and withdrawal requests. */
export function buildApp(deps: TransactionsDeps, options: { logger?: boolean } = {}): Server {
  const app = createServer({
    logger: options.logger === false ? false : loggerOptions('transactions', deps.config.LOG_LEVEL),
    trustProxy: deps.config.TRUST_PROXY,
  });
  serviceOpenApi(app, 'transactions');
  accountRoutes(app, deps);
  withdrawalRoutes(app, deps);
  adminRoutes(app, deps);
  internalRoutes(app, deps);
  userInternalRoutes(app, deps);
  const metrics = registerMetrics(app, 'transactions');
  metrics.registry.registerMetric(deps.droppedMessages);
  const countBy = async (sql: string) => countsByKey(await deps.pool.query(sql));
  metrics.gauge('pupero_outbox_unpublished', 'Outbox messages not yet confirmed by RabbitMQ (queue depth)', async () =>
    Number((await deps.pool.query('SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL'))[0].n),
  );
  metrics.gauge(
    'pupero_ledger_transfers',
    'Ledger transfers ever made, by kind',
    () => countBy('SELECT kind AS k, COUNT(*) AS n FROM transfers GROUP BY kind'),
    'kind',
  );
  metrics.gauge(
    'pupero_withdrawals',
    'Withdrawals by state',
    () => countBy('SELECT state AS k, COUNT(*) AS n FROM withdrawals GROUP BY state'),
    'state',
  );
  healthRoute(app, {
    database: () => deps.pool.query('SELECT 1'),
    rabbitmq: async () => {
      if (!deps.broker.isConnected()) throw new Error('not connected');
    },
  });
  return app;
}
