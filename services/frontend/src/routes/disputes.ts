import { type NextFunction, type Request, type Response, Router } from 'express';
import { GatewayError } from '../api-client/errors.ts';
import type { FrontendDeps } from '../deps.ts';
import { disputeReasonKey } from '../trade-view.ts';
import { authOf, field, flash, gatewayFor, idParam, refusal, requireLogin, say } from './support.ts';

/** Moderators and admins only; the gateway and the offers service check the role again. */
function requireModerator(req: Request, _res: Response, next: NextFunction) {
  if (authOf(req).user.role === 'user') throw new GatewayError(404, 'NOT_FOUND', 'There is no such page.');
  next();
}

/** Open disputes, and deciding one for the buyer or the seller. */
export function disputeRoutes(deps: FrontendDeps) {
  const router = Router();
  router.use('/disputes', requireLogin, requireModerator);

  router.get('/disputes', async (req, res) => {
    const page = await gatewayFor(deps, req).get('/admin/disputes');
    res.render('disputes', { disputes: page.items, error: null, disputeReasonKey });
  });

  router.post('/disputes/:id/resolve', async (req, res) => {
    const id = idParam(req);
    try {
      await gatewayFor(deps, req).post(`/admin/disputes/${id}/resolve`, {
        winner: field(req.body, 'winner'),
        note: field(req.body, 'note'),
      });
      flash(req, 'ok', say(req, 'flash.disputeDecided', { id }));
    } catch (err) {
      flash(req, 'error', say(req, 'flash.disputeRefused', { id, reason: refusal(req, err) }));
    }
    res.redirect('/disputes');
  });

  return router;
}
