import { createServer, healthRoute, type Server, serviceOpenApi } from '@pupero/shared/http';
import { loggerOptions } from '@pupero/shared/logger';
import { registerMetrics } from '@pupero/shared/metrics';
import type { LoginDeps } from './deps.ts';
import { adminRoutes } from './routes/admin.ts';
import { authRoutes } from './routes/auth.ts';
import { internalRoutes } from './routes/internal.ts';
import { meRoutes } from './routes/me.ts';
import { twoFactorRoutes } from './routes/two-factor.ts';

/** The login service: accounts, passwords, sessions, two-factor. Its table of contents. */
export function buildApp(deps: LoginDeps, options: { logger?: boolean } = {}): Server {
  const app = createServer({
    logger: options.logger === false ? false : loggerOptions('login', deps.config.LOG_LEVEL),
    trustProxy: deps.config.TRUST_PROXY,
  });
  serviceOpenApi(app, 'login');
  authRoutes(app, deps);
  meRoutes(app, deps);
  twoFactorRoutes(app, deps);
  adminRoutes(app, deps);
  internalRoutes(app, deps);
  healthRoute(app, { database: () => deps.prisma.$queryRaw`SELECT 1` });
  registerMetrics(app, 'login');
  return app;
}
