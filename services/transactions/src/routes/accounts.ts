import { balanceView, historyQuery, historyView } from '@pupero/shared/contracts';
import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import { z } from 'zod';
import type { TransactionsDeps } from '../deps.ts';
import { assertMayRead, balanceOf } from '../domain/balances.ts';
import { historyOf } from '../domain/history.ts';

export function accountRoutes(app: Server, deps: TransactionsDeps) {
  const authenticate = requireUser(deps.tokens);

  app.get(
    '/balances/:userId',
    {
      onRequest: authenticate,
      schema: {
        params: z.strictObject({
          userId: z.coerce
            .number()
            .int()
            .positive()
            .max(2 ** 31),
        }),
        response: { 200: balanceView },
      },
    },
    async (request) => {
      assertMayRead(identityOf(request), request.params.userId);
      return balanceOf(deps, request.params.userId);
    },
  );

  app.get(
    '/transactions',
    { onRequest: authenticate, schema: { querystring: historyQuery, response: { 200: historyView } } },
    async (request) => {
      return historyOf(deps, identityOf(request).userId, request.query.cursor, request.query.limit);
    },
  );
}
