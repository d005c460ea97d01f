import { resolveBody, tradeListView, tradeParams, tradeView as tradeSchema } from '@pupero/shared/contracts';
import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import type { OffersDeps } from '../deps.ts';
import { TRADE_COLUMNS, type TradeRow, tradeView } from '../domain/trades/records.ts';
import { resolveDispute } from '../domain/trades/transitions.ts';

/** Moderators and admins: the open disputes, and their decision. */
export function disputeRoutes(app: Server, deps: OffersDeps) {
  const staff = requireUser(deps.tokens, ['moderator', 'admin']);

  app.get('/admin/disputes', { onRequest: staff, schema: { response: { 200: tradeListView } } }, async (request) => {
    const rows = (await deps.pool.query(
      `SELECT ${TRADE_COLUMNS} FROM trades WHERE state = 'DISPUTED' ORDER BY disputed_at LIMIT 200`,
    )) as TradeRow[];
    return { items: rows.map((t) => tradeView(t, identityOf(request), deps.config)), nextCursor: null };
  });

  app.post(
    '/admin/disputes/:id/resolve',
    { onRequest: staff, schema: { params: tradeParams, body: resolveBody, response: { 200: tradeSchema } } },
    async (request) =>
      tradeView(
        await resolveDispute(deps, request.params.id, identityOf(request), request.body.winner, request.body.note, request.ip),
        identityOf(request),
        deps.config,
      ),
  );
}
