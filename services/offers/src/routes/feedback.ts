import { feedbackBody, feedbackView, tradeParams } from '@pupero/shared/contracts';
import { AppError } from '@pupero/shared/errors';
import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import type { OffersDeps } from '../deps.ts';
import { visibleTrade } from '../domain/trades/records.ts';

/** Once per party per completed trade, about the other party. */
export function feedbackRoutes(app: Server, deps: OffersDeps) {
  const authenticate = requireUser(deps.tokens);

  app.post(
    '/trades/:id/feedback',
    { onRequest: authenticate, schema: { params: tradeParams, body: feedbackBody, response: { 201: feedbackView } } },
    async (request, reply) => {
      const identity = identityOf(request);
      const trade = await visibleTrade(deps, request.params.id, identity);
      const isBuyer = trade.buyerId === identity.userId;
      if (!isBuyer && trade.sellerId !== identity.userId) throw new AppError('FORBIDDEN', 'Only the parties can leave feedback');
      if (trade.state !== 'COMPLETED') throw new AppError('CONFLICT', 'Feedback is for completed trades');
      const { rating, comment } = request.body;
      try {
        const inserted = await deps.pool.query(
          'INSERT INTO feedback (trade_id, from_user_id, to_user_id, rating, comment) VALUES (?, ?, ?, ?, ?)',
          [trade.id, identity.userId, isBuyer ? trade.sellerId : trade.buyerId, rating, comment ?? null],
        );
        return reply.status(201).send({
          id: Number(inserted.insertId),
          tradeId: trade.id,
          rating,
          comment: comment ?? null,
          createdAt: new Date().toISOString(),
        });
      } catch (error) {
        if ((error as { errno?: number }).errno === 1062) throw new AppError('CONFLICT', 'You already left feedback on this trade');
        throw error;
      }
    },
  );
}
