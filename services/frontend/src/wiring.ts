import { createPrismaClient } from '@pupero/shared/db';
import { createServiceTokenSigner } from '@pupero/shared/service-token';
import type { Logger } from 'pino';
import { createGatewayClient } from './api-client/client.ts';
import type { Config } from './config.ts';
import type { FrontendDeps } from './deps.ts';
import { createSealer } from './session/sealed.ts';
import { PrismaSessionStore } from './session/store.ts';

const PRUNE_INTERVAL_MS = 10 * 60 * 1000;

/** The frontend's dependencies, for server.ts and the tests alike; `close` ends what it opened. */
export function createDeps(config: Config, logger: Logger): FrontendDeps & { close(): Promise<void> } {
  const prisma = createPrismaClient(config.DATABASE_URL, { connectionLimit: 5 });
  const sessionStore = new PrismaSessionStore(prisma);
  sessionStore.startPruning(PRUNE_INTERVAL_MS, (err) => logger.warn({ err }, 'pruning expired sessions failed'));
  const tokenFor = createServiceTokenSigner(config.SERVICE_SIGNING_KEY, 'frontend');
  const gateway = createGatewayClient({
    baseUrl: config.GATEWAY_URL,
    serviceToken: () => tokenFor('gateway'),
    timeoutMs: config.GATEWAY_TIMEOUT_MS,
  });
  return {
    config,
    logger,
    prisma,
    sessionStore,
    gateway,
    sealer: createSealer(config.SESSION_SECRET),
    async close() {
      sessionStore.stopPruning();
      await prisma.$disconnect();
    },
  };
}
