import { messageBody, messageListView, messagePageQuery, messageView, tradeParams } from '@pupero/shared/contracts';
import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import type { OffersDeps } from '../deps.ts';
import { listMessages, postMessage } from '../domain/trades/chat.ts';

/** Trade chat: the two parties, and a moderator once the trade is disputed (visibleTrade decides). */
export function chatRoutes(app: Server, deps: OffersDeps) {
  const authenticate = requireUser(deps.tokens);

  app.get(
    '/trades/:id/messages',
    { onRequest: authenticate, schema: { params: tradeParams, querystring: messagePageQuery, response: { 200: messageListView } } },
    async (request) => listMessages(deps, request.params.id, identityOf(request), request.query),
  );

  app.post(
    '/trades/:id/messages',
    { onRequest: authenticate, schema: { params: tradeParams, body: messageBody, response: { 201: messageView } } },
    async (request, reply) => reply.status(201).send(await postMessage(deps, request.params.id, identityOf(request), request.body.body)),
  );
}
