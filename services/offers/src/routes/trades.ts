import {
  disputeBody,
  openTradeBody,
  pageQuery,
  releaseBody,
  tradeListView,
  tradeParams,
  tradeView as tradeSchema,
} from '@pupero/shared/contracts';
import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import type { z } from 'zod';
import type { OffersDeps } from '../deps.ts';
import { openTrade } from '../domain/trades/open.ts';
import { TRADE_COLUMNS, type TradeRow, tradeView, visibleTrade } from '../domain/trades/records.ts';
import { cancel, markPaid, openDispute, release } from '../domain/trades/transitions.ts';

export function tradeRoutes(app: Server, deps: OffersDeps) {
  const authenticate = requireUser(deps.tokens);
  const one = { onRequest: authenticate, schema: { params: tradeParams, response: { 200: tradeSchema } } };

  app.post(
    '/offers/:id/trades',
    { onRequest: authenticate, schema: { params: tradeParams, body: openTradeBody, response: { 201: tradeSchema } } },
    async (request, reply) =>
      reply.status(201).send(tradeView(await openTrade(deps, identityOf(request).userId, request.params.id, request.body))),
  );

  app.get('/trades', { onRequest: authenticate, schema: { querystring: pageQuery, response: { 200: tradeListView } } }, async (request) => {
    const { userId } = identityOf(request);
    const { cursor, limit } = request.query;
    const rows = (await deps.pool.query(
      `SELECT ${TRADE_COLUMNS} FROM trades WHERE (buyer_id = ? OR seller_id = ?) AND id < ? ORDER BY id DESC LIMIT ?`,
      [userId, userId, cursor ?? 2_147_483_647, limit + 1],
    )) as TradeRow[];
    const page = rows.slice(0, limit);
    return { items: page.map(tradeView), nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
  });

  app.get('/trades/:id', one, async (request) => tradeView(await visibleTrade(deps, request.params.id, identityOf(request))));
  app.post('/trades/:id/paid', one, async (request) => tradeView(await markPaid(deps, request.params.id, identityOf(request))));
  app.post('/trades/:id/cancel', one, async (request) => tradeView(await cancel(deps, request.params.id, identityOf(request))));
  app.post(
    '/trades/:id/release',
    { ...one, schema: { ...one.schema, body: releaseBody.nullish().transform((body) => body ?? {}) } },
    async (request) =>
      tradeView(
        await release(deps, request.params.id, identityOf(request), (request.body as z.infer<typeof releaseBody>).totp, request.ip),
      ),
  );
  app.post('/trades/:id/dispute', { ...one, schema: { ...one.schema, body: disputeBody } }, async (request) =>
    tradeView(await openDispute(deps, request.params.id, identityOf(request), request.body.reason)),
  );
}
