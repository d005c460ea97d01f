import {
  disputeBody,
  myTradesQuery,
  openTradeBody,
  paymentDetailsBody,
  releaseBody,
  tradeListView,
  tradeParams,
  tradeView as tradeSchema,
} from '@pupero/shared/contracts';
import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { OffersDeps } from '../deps.ts';
import { openTrade } from '../domain/trades/open.ts';
import { TRADE_COLUMNS, type TradeRow, tradeView, visibleTrade } from '../domain/trades/records.ts';
import { cancel, givePaymentDetails, markPaid, openDispute, release } from '../domain/trades/transitions.ts';

export function tradeRoutes(app: Server, deps: OffersDeps) {
  const authenticate = requireUser(deps.tokens);
  const one = { onRequest: authenticate, schema: { params: tradeParams, response: { 200: tradeSchema } } };

  app.post(
    '/offers/:id/trades',
    { onRequest: authenticate, schema: { params: tradeParams, body: openTradeBody, response: { 201: tradeSchema } } },
    async (request, reply) => {
      const identity = identityOf(request);
      return reply
        .status(201)
        .send(tradeView(await openTrade(deps, identity.userId, request.params.id, request.body), identity, deps.config));
    },
  );

  app.get(
    '/trades',
    { onRequest: authenticate, schema: { querystring: myTradesQuery, response: { 200: tradeListView } } },
    async (request) => {
      const identity = identityOf(request);
      const { userId } = identity;
      const { cursor, limit, open } = request.query;
      const underWay = open === 'true' ? "AND state IN ('AWAITING_PAYMENT', 'PAYMENT_SENT', 'DISPUTED')" : '';
      const rows = (await deps.pool.query(
        `SELECT ${TRADE_COLUMNS} FROM trades WHERE (buyer_id = ? OR seller_id = ?) ${underWay} AND id < ? ORDER BY id DESC LIMIT ?`,
        [userId, userId, cursor ?? 2_147_483_647, limit + 1],
      )) as TradeRow[];
      const page = rows.slice(0, limit);
      return {
        items: page.map((t) => tradeView(t, identity, deps.config)),
        nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
      };
    },
  );

  // Each answer is the trade as its caller may see it.
  const seen = (request: FastifyRequest, trade: TradeRow) => tradeView(trade, identityOf(request), deps.config);
  app.get('/trades/:id', one, async (request) => seen(request, await visibleTrade(deps, request.params.id, identityOf(request))));
  app.post('/trades/:id/paid', one, async (request) => seen(request, await markPaid(deps, request.params.id, identityOf(request))));
  app.post('/trades/:id/cancel', one, async (request) => seen(request, await cancel(deps, request.params.id, identityOf(request))));
  app.post(
    '/trades/:id/release',
    { ...one, schema: { ...one.schema, body: releaseBody.nullish().transform((body) => body ?? {}) } },
    async (request) =>
      seen(
        request,
        await release(deps, request.params.id, identityOf(request), (request.body as z.infer<typeof releaseBody>).totp, request.ip),
      ),
  );
  app.post('/trades/:id/dispute', { ...one, schema: { ...one.schema, body: disputeBody } }, async (request) =>
    seen(request, await openDispute(deps, request.params.id, identityOf(request), request.body.reason)),
  );
  app.put('/trades/:id/payment-details', { ...one, schema: { ...one.schema, body: paymentDetailsBody } }, async (request) =>
    seen(request, await givePaymentDetails(deps, request.params.id, identityOf(request), request.body.paymentDetails)),
  );
}
