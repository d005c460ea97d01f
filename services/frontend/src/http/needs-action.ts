import type { NextFunction, Request, Response } from 'express';
import type { FrontendDeps } from '../deps.ts';
import { gatewayFor } from '../routes/support.ts';

/** The trades under way whose next move is this user's: the buyer's when they buy, the seller's when they sell. */
export function waitingOn(trades: { buyerId: number; sellerId: number; awaiting: string | null }[], me: number): number {
  return trades.filter((t) => (t.awaiting === 'BUYER' && t.buyerId === me) || (t.awaiting === 'SELLER' && t.sellerId === me)).length;
}

/**
 * The top bar's "needs your action" count, for a signed-in user's pages: one call for the open
 * trades. A page is more than its count: when that call fails, the top bar just shows no count.
 */
export function needsAction(deps: FrontendDeps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    res.locals.needsAction = null;
    const me = req.session.auth?.user.id;
    if (me === undefined || req.method !== 'GET') return next();
    try {
      const open = await gatewayFor(deps, req).get('/trades?open=true&limit=100');
      res.locals.needsAction = waitingOn(open.items, me);
    } catch (err) {
      req.log.warn({ err }, 'the open trades for the top bar could not be read');
    }
    next();
  };
}
