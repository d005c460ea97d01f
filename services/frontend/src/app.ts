import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import express, { type Express } from 'express';
import type { FrontendDeps } from './deps.ts';
import { errorPages, notFound } from './http/error-pages.ts';
import { healthRoute } from './http/health.ts';
import { pageLocals, readerLocals } from './http/locals.ts';
import { requestLogging } from './http/logging.ts';
import { registerMetrics } from './http/metrics.ts';
import { needsAction } from './http/needs-action.ts';
import { preferenceRoutes } from './http/preferences.ts';
import { createI18n } from './i18n/setup.ts';
import { accountRoutes } from './routes/account.ts';
import { adminRoutes } from './routes/admin.ts';
import { authRoutes } from './routes/auth.ts';
import { disputeRoutes } from './routes/disputes.ts';
import { liveRoutes } from './routes/live.ts';
import { myOfferRoutes } from './routes/my-offers.ts';
import { offerRoutes } from './routes/offers.ts';
import { tradeRoutes } from './routes/trades.ts';
import { userRoutes } from './routes/users.ts';
import { walletRoutes } from './routes/wallet.ts';
import { createCsrf } from './security/csrf.ts';
import { securityHeaders } from './security/headers.ts';
import { saveBeforeRedirect, sessions } from './session/middleware.ts';
import { viewHelpers } from './views.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The frontend: server-rendered pages over the gateway. This file is its table of contents. */
export function createApp(deps: FrontendDeps): Express {
  const { config } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.FRONTEND_TRUST_PROXY);
  app.engine('ejs', ejs.renderFile);
  app.set('view engine', 'ejs');
  app.set('views', here('../views'));
  Object.assign(app.locals, viewHelpers);

  app.use(requestLogging(deps.logger));
  registerMetrics(app, 'frontend');
  app.use(securityHeaders(config));
  app.get('/healthz', healthRoute(deps));
  // Before the session: stylesheets and scripts never touch the session store.
  app.use('/static', express.static(here('../public'), { maxAge: '1h', index: false }));
  app.get('/favicon.ico', (_req, res) => res.redirect(301, '/static/icon.svg'));

  // Every page, error pages included, knows its reader's language from here on.
  app.use(createI18n().middleware);
  app.use(readerLocals);

  const csrf = createCsrf();
  app.use(express.urlencoded({ extended: false, limit: '64kb' }));
  app.use(sessions(config, deps.sessionStore));
  app.use(saveBeforeRedirect);
  app.use(csrf.protect);
  app.use(csrf.exposeToken);
  app.use(pageLocals);
  app.use(liveRoutes(deps));
  app.use(needsAction(deps));

  app.use(preferenceRoutes(deps));
  app.use(offerRoutes(deps));
  app.use(authRoutes(deps));
  app.use(myOfferRoutes(deps));
  app.use(tradeRoutes(deps));
  app.use(walletRoutes(deps));
  app.use(accountRoutes(deps));
  app.use(userRoutes(deps));
  app.use(disputeRoutes(deps));
  app.use(adminRoutes(deps));

  app.use(notFound);
  app.use(errorPages(deps.logger));
  return app;
}
