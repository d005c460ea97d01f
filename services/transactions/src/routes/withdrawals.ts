import {
  historyQuery,
  idempotencyKey,
  withdrawalListView,
  withdrawalView as withdrawalSchema,
  withdrawalTermsView,
  withdrawBody,
} from '@pupero/shared/contracts';
import { AppError } from '@pupero/shared/errors';
import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import { z } from 'zod';
import type { TransactionsDeps } from '../deps.ts';
import { audit } from '../domain/audit.ts';
import {
  assertWithdrawable,
  findWithdrawal,
  findWithdrawalById,
  listWithdrawals,
  requestWithdrawal,
  withdrawalTerms,
  withdrawalView,
} from '../domain/withdrawals.ts';

/** A retry with the same key answers the first request's withdrawal; in the route's schema, so the API's document shows it. */
const withdrawHeaders = z.object({
  'idempotency-key': idempotencyKey.describe(
    "The client's name for this withdrawal: a retry with the same key and body is answered, not sent again",
  ),
});

export function withdrawalRoutes(app: Server, deps: TransactionsDeps) {
  const authenticate = requireUser(deps.tokens);

  app.post(
    '/withdraw',
    { onRequest: authenticate, schema: { headers: withdrawHeaders, body: withdrawBody, response: { 202: withdrawalSchema } } },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const { userId } = identityOf(request);
      const { address, amount, totp } = request.body;
      // A retry of a request that already went through answers the same, without a second code.
      const earlier = await findWithdrawal(deps.pool, userId, key);
      if (!earlier) {
        await assertWithdrawable(deps, { address, amount });
        await deps.login('POST', '/internal/2fa/verify', { userId, totp, ip: request.ip }, request.id);
      }
      const row = await requestWithdrawal(deps, { userId, key, address, amount });
      if (!earlier)
        await audit(deps, 'WITHDRAWAL_REQUESTED', {
          userId,
          ip: request.ip,
          details: { withdrawalId: String(row.id), amount: withdrawalView(row).amount },
        });
      return reply.status(202).send(withdrawalView(row));
    },
  );

  app.get('/withdraw/terms', { onRequest: authenticate, schema: { response: { 200: withdrawalTermsView } } }, async (request) =>
    withdrawalTerms(deps, identityOf(request).userId),
  );

  app.get(
    '/withdrawals',
    { onRequest: authenticate, schema: { querystring: historyQuery, response: { 200: withdrawalListView } } },
    async (request) => {
      return listWithdrawals(deps, { userId: identityOf(request).userId }, request.query.cursor, request.query.limit);
    },
  );

  app.get(
    '/withdrawals/:id',
    {
      onRequest: authenticate,
      schema: { params: z.strictObject({ id: z.string().regex(/^\d{1,19}$/) }), response: { 200: withdrawalSchema } },
    },
    async (request) => {
      const identity = identityOf(request);
      const row = await findWithdrawalById(deps, BigInt(request.params.id));
      // Someone else's withdrawal is answered like a missing one: ids reveal nothing.
      if (!row || (row.userId !== identity.userId && identity.role !== 'admin')) throw new AppError('NOT_FOUND', 'No such withdrawal');
      return withdrawalView(row);
    },
  );
}
