import { createServer, healthRoute, type Server, serviceOpenApi } from '@pupero/shared/http';
import { loggerOptions } from '@pupero/shared/logger';
import { countsByKey, registerMetrics } from '@pupero/shared/metrics';
import type { OffersDeps } from './deps.ts';
import { chatRoutes } from './routes/chat.ts';
import { disputeRoutes } from './routes/disputes.ts';
import { feedbackRoutes } from './routes/feedback.ts';
import { offerRoutes } from './routes/offers.ts';
import { priceRoutes } from './routes/prices.ts';
import { tradeRoutes } from './routes/trades.ts';
import { userRoutes } from './routes/users.ts';
import { userInternalRoutes } from './routes/users-internal.ts';

/** The offers service: the offer book, market prices, trades with escrow, chat, feedback, disputes. */
export function buildApp(deps: OffersDeps, options: { logger?: boolean } = {}): Server {
  const app = createServer({
    logger: options.logger === false ? false : loggerOptions('offers', deps.config.LOG_LEVEL),
    trustProxy: deps.config.TRUST_PROXY,
  });
  serviceOpenApi(app, 'offers');
  offerRoutes(app, deps);
  priceRoutes(app, deps);
  tradeRoutes(app, deps);
  chatRoutes(app, deps);
  feedbackRoutes(app, deps);
  disputeRoutes(app, deps);
  userRoutes(app, deps);
  userInternalRoutes(app, deps);
  const metrics = registerMetrics(app, 'offers');
  const countBy = async (sql: string) => countsByKey(await deps.pool.query(sql));
  metrics.gauge('pupero_trades', 'Trades by state', () => countBy('SELECT state AS k, COUNT(*) AS n FROM trades GROUP BY state'), 'state');
  metrics.gauge(
    'pupero_offers',
    'Offers by status',
    () => countBy('SELECT status AS k, COUNT(*) AS n FROM offers GROUP BY status'),
    'status',
  );
  healthRoute(app, { database: () => deps.pool.query('SELECT 1') });
  return app;
}
