import { type NextFunction, type Request, type Response, Router } from 'express';
import { GatewayError, SessionExpiredError } from '../api-client/errors.ts';
import type { FrontendDeps } from '../deps.ts';
import { waitingOn } from '../http/needs-action.ts';
import { authOf, gatewayFor, idParam } from './support.ts';
import { chatStart, readChat, tradeLocals } from './trade-page.ts';

type Fragment = (req: Request, res: Response) => Promise<void>;

/**
 * A part of a page rendered alone, for public/app.js to put in place of an element marked
 * `data-live="<this URL>"`. Never a redirect or an error page (the script would show it inside
 * the page): no session is a 401, a refusal its bare status, and the script then stops asking.
 */
function fragment(render: Fragment) {
  return async (req: Request, res: Response, next: NextFunction) => {
    res.set('Cache-Control', 'no-store');
    if (!req.session.auth) return void res.status(401).end();
    try {
      await render(req, res);
    } catch (err) {
      if (err instanceof SessionExpiredError) return void res.status(401).end();
      if (err instanceof GatewayError && err.statusCode < 500) return void res.status(err.statusCode).end();
      next(err);
    }
  };
}

/** The live parts of the pages: a trade (its state, countdowns, actions) and its chat, the top bar's count, open trades, deposits. */
export function liveRoutes(deps: FrontendDeps) {
  const router = Router();

  router.get(
    '/live/trades/:id',
    fragment(async (req, res) => {
      res.render('partials/trade-main', { ...(await tradeLocals(deps, req)), form: { error: null, values: {} } });
    }),
  );
  router.get(
    '/live/trades/:id/chat',
    fragment(async (req, res) => {
      const api = gatewayFor(deps, req);
      const trade = await api.get(`/trades/${idParam(req)}`);
      res.render('partials/trade-chat', { trade, ...(await readChat(api, trade.id, chatStart(req))) });
    }),
  );
  router.get(
    '/live/needs-action',
    fragment(async (req, res) => {
      const open = await gatewayFor(deps, req).get('/trades?open=true&limit=100');
      res.render('partials/needs-action', { needsAction: waitingOn(open.items, authOf(req).user.id) });
    }),
  );
  router.get(
    '/live/trades',
    fragment(async (req, res) => {
      const open = req.query.open === 'true';
      const page = await gatewayFor(deps, req).get(`/trades?limit=20${open ? '&open=true' : ''}`);
      res.render('partials/trade-list', { trades: page.items, nextCursor: page.nextCursor, me: authOf(req).user.id, open });
    }),
  );
  router.get(
    '/live/wallet/deposits',
    fragment(async (req, res) => {
      const list = await gatewayFor(deps, req).get('/wallet/deposits');
      res.render('partials/deposit-list', { deposits: { items: list.items, required: list.requiredConfirmations, minimum: list.minimum } });
    }),
  );
  return router;
}
