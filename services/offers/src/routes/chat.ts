import { messageBody, messageListView, messageView, tradeParams } from '@pupero/shared/contracts';
import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import type { OffersDeps } from '../deps.ts';
import { visibleTrade } from '../domain/trades/records.ts';

interface MessageRow {
  id: bigint;
  authorId: number;
  body: string;
  createdAt: Date;
}

const view = (m: MessageRow) => ({ id: String(m.id), authorId: m.authorId, body: m.body, createdAt: m.createdAt.toISOString() });

/** Trade chat: the two parties, and a moderator once the trade is disputed (visibleTrade decides). */
export function chatRoutes(app: Server, deps: OffersDeps) {
  const authenticate = requireUser(deps.tokens);

  app.get(
    '/trades/:id/messages',
    { preHandler: authenticate, schema: { params: tradeParams, response: { 200: messageListView } } },
    async (request) => {
      await visibleTrade(deps, request.params.id, identityOf(request));
      const rows = (await deps.pool.query(
        'SELECT id, author_id AS authorId, body, created_at AS createdAt FROM trade_messages WHERE trade_id = ? ORDER BY id LIMIT 500',
        [request.params.id],
      )) as MessageRow[];
      return { items: rows.map(view) };
    },
  );

  app.post(
    '/trades/:id/messages',
    { preHandler: authenticate, schema: { params: tradeParams, body: messageBody, response: { 201: messageView } } },
    async (request, reply) => {
      const identity = identityOf(request);
      await visibleTrade(deps, request.params.id, identity);
      const inserted = await deps.pool.query('INSERT INTO trade_messages (trade_id, author_id, body) VALUES (?, ?, ?)', [
        request.params.id,
        identity.userId,
        request.body.body,
      ]);
      const [row] = (await deps.pool.query(
        'SELECT id, author_id AS authorId, body, created_at AS createdAt FROM trade_messages WHERE id = ?',
        [inserted.insertId],
      )) as MessageRow[];
      return reply.status(201).send(view(row!));
    },
  );
}
