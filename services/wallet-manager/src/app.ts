import { createServer, type Server, serviceOpenApi } from '@pupero/shared/http';
import { loggerOptions } from '@pupero/shared/logger';
import { countsByKey, registerMetrics } from '@pupero/shared/metrics';
import { z } from 'zod';
import type { WalletDeps } from './deps.ts';
import { type ChainWatch, chainProblem } from './monero/chain-health.ts';
import { daemonInfo, daemonRpcOf } from './monero/daemon.ts';
import { adminRoutes } from './routes/admin.ts';
import { regtestRoutes } from './routes/regtest.ts';
import { walletRoutes } from './routes/wallet.ts';

const healthView = z.object({
  status: z.enum(['ok', 'degraded']),
  /** What is wrong, in words; null when healthy. */
  reason: z.string().nullable(),
  checks: z.object({ walletRpc: z.string(), daemon: z.string(), rabbitmq: z.string(), database: z.string(), chain: z.string() }),
  walletHeight: z.number().int().nullable(),
  daemonHeight: z.number().int().nullable(),
});

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const late = new Promise<never>((_resolve, reject) => {
    setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref();
  });
  return Promise.race([promise, late]);
}
const messageOf = (result: PromiseSettledResult<unknown>) => (result.status === 'rejected' ? (result.reason as Error).message : '');

/** The wallet manager: deposit addresses and the deposit watcher, withdrawal sends, wallet admin. */
export function buildApp(deps: WalletDeps, options: { logger?: boolean; now?: () => number } = {}): Server {
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
  healthRoute(app, deps, options.now ?? Date.now);
  return app;
}

/**
 * 200 when wallet-rpc, monerod, RabbitMQ and the database answer and the wallet can see new blocks
 * (monero/chain-health.ts); otherwise 503 with the cause in `reason`.
 */
function healthRoute(app: Server, deps: WalletDeps, now: () => number) {
  const watch: ChainWatch = {};
  const limits = { lagBlocks: deps.config.HEALTH_LAG_BLOCKS, stallSeconds: deps.config.HEALTH_STALL_SECONDS };
  app.get('/healthz', { schema: { response: { 200: healthView, 503: healthView } } }, async (_request, reply) => {
    const [wallet, daemon, database] = await Promise.allSettled([
      within(deps.wallet.getHeight(), 5000, 'monero-wallet-rpc'),
      daemonInfo(daemonRpcOf(deps.config)),
      deps.pool.query('SELECT 1'),
    ]);
    const problems: string[] = [];
    if (wallet.status === 'rejected') problems.push(`monero-wallet-rpc: ${messageOf(wallet)}`);
    if (daemon.status === 'rejected') problems.push(`monerod: ${messageOf(daemon)}`);
    if (!deps.broker.isConnected()) problems.push('RabbitMQ: not connected');
    if (database.status === 'rejected') problems.push(`database: ${messageOf(database)}`);
    const chain =
      wallet.status === 'fulfilled' && daemon.status === 'fulfilled'
        ? (chainProblem(
            { walletHeight: wallet.value, daemonHeight: daemon.value.height, targetHeight: daemon.value.targetHeight },
            watch,
            limits,
            now(),
          ) ?? 'ok')
        : 'unknown';
    if (chain !== 'ok' && chain !== 'unknown') problems.push(chain);
    const healthy = problems.length === 0;
    return reply.status(healthy ? 200 : 503).send({
      status: healthy ? 'ok' : 'degraded',
      reason: healthy ? null : problems.join('; '),
      checks: {
        walletRpc: wallet.status === 'fulfilled' ? 'ok' : 'down',
        daemon: daemon.status === 'fulfilled' ? 'ok' : 'down',
        rabbitmq: deps.broker.isConnected() ? 'ok' : 'down',
        database: database.status === 'fulfilled' ? 'ok' : 'down',
        chain,
      },
      walletHeight: wallet.status === 'fulfilled' ? wallet.value : null,
      daemonHeight: daemon.status === 'fulfilled' ? daemon.value.height : null,
    });
  });
}
