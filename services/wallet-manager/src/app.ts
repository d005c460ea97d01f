import { createServer, type Server, serviceOpenApi } from '@pupero/shared/http';
import { loggerOptions } from '@pupero/shared/logger';
import { countsByKey, registerMetrics } from '@pupero/shared/metrics';
import { z } from 'zod';
import type { WalletDeps } from './deps.ts';
import { daemonHeight, daemonRpcOf } from './monero/daemon.ts';
import { adminRoutes } from './routes/admin.ts';
import { regtestRoutes } from './routes/regtest.ts';
import { walletRoutes } from './routes/wallet.ts';

const healthView = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.object({ walletRpc: z.string(), daemon: z.string(), rabbitmq: z.string(), database: z.string() }),
  walletHeight: z.number().int().nullable(),
  daemonHeight: z.number().int().nullable(),
});

/** The wallet manager: deposit addresses and the deposit watcher, withdrawal sends, wallet admin. */
export function buildApp(deps: WalletDeps, options: { logger?: boolean } = {}): Server {
  const app = createServer({
    logger: options.logger === false ? false : loggerOptions('wallet-manager', deps.config.LOG_LEVEL),
    trustProxy: deps.config.TRUST_PROXY,
  });
  serviceOpenApi(app, 'wallet-manager');
  walletRoutes(app, deps);
  adminRoutes(app, deps);
  regtestRoutes(app, deps);
  const metrics = registerMetrics(app, 'wallet-manager');
  metrics.registry.registerMetric(deps.droppedMessages);
  const countBy = async (sql: string) => countsByKey(await deps.pool.query(sql));
  metrics.gauge(
    'pupero_deposits',
    'Deposits seen on chain, by state',
    () => countBy('SELECT state AS k, COUNT(*) AS n FROM deposits GROUP BY state'),
    'state',
  );
  metrics.gauge(
    'pupero_wallet_sends',
    'Withdrawal sends, by state',
    () => countBy('SELECT state AS k, COUNT(*) AS n FROM wallet_sends GROUP BY state'),
    'state',
  );
  app.get('/healthz', { schema: { response: { 200: healthView, 503: healthView } } }, async (_request, reply) => {
    const [wallet, daemon, database] = await Promise.allSettled([
      deps.wallet.getHeight(),
      daemonHeight(daemonRpcOf(deps.config)),
      deps.pool.query('SELECT 1'),
    ]);
    const checks = {
      walletRpc: wallet.status === 'fulfilled' ? 'ok' : 'down',
      daemon: daemon.status === 'fulfilled' ? 'ok' : 'down',
      rabbitmq: deps.broker.isConnected() ? 'ok' : 'down',
      database: database.status === 'fulfilled' ? 'ok' : 'down',
    };
    const healthy = Object.values(checks).every((c) => c === 'ok');
    return reply.status(healthy ? 200 : 503).send({
      status: healthy ? 'ok' : 'degraded',
      checks,
      walletHeight: wallet.status === 'fulfilled' ? wallet.value : null,
      daemonHeight: daemon.status === 'fulfilled' ? daemon.value : null,
    });
  });
  return app;
}
