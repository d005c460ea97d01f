import { adminWithdrawalsQuery, correctionBody, transferView as transferSchema, withdrawalListView } from '@pupero/shared/contracts';
import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import { z } from 'zod';
import type { TransactionsDeps } from '../deps.ts';
import { audit } from '../domain/audit.ts';
import { ledgerSummary } from '../domain/summary.ts';
import { listWithdrawals } from '../domain/withdrawals.ts';
import { transfer, transferView } from '../ledger/transfer.ts';

const summaryView = z.object({
  kinds: z.array(z.object({ kind: z.string(), accounts: z.number().int(), balance: z.string(), held: z.string() })),
  invariants: z.object({
    balancesSumToZero: z.boolean(),
    sum: z.string(),
    usersWithNegativeAvailable: z.number().int(),
    accountsWithNegativeHeld: z.number().int(),
  }),
});

export function adminRoutes(app: Server, deps: TransactionsDeps) {
  const adminsOnly = requireUser(deps.tokens, ['admin']);

  app.get('/admin/ledger/summary', { onRequest: adminsOnly, schema: { response: { 200: summaryView } } }, async (request) => {
    const summary = await ledgerSummary(deps);
    await audit(deps, 'ADMIN_LEDGER_SUMMARY', {
      actorId: identityOf(request).userId,
      ip: request.ip,
      details: { balancesSumToZero: summary.invariants.balancesSumToZero },
    });
    return summary;
  });

  app.get(
    '/admin/withdrawals',
    { onRequest: adminsOnly, schema: { querystring: adminWithdrawalsQuery, response: { 200: withdrawalListView } } },
    async (request) => listWithdrawals(deps, { state: request.query.state }, request.query.cursor, request.query.limit),
  );

  // The only way to move coins by hand: an admin, a reason, the audit log; between a user and the hot wallet only.
  app.post(
    '/admin/ledger/corrections',
    { onRequest: adminsOnly, schema: { body: correctionBody, response: { 200: transferSchema, 201: transferSchema } } },
    async (request, reply) => {
      const { key, account, direction, amount, reason } = request.body;
      const [from, to] = direction === 'CREDIT' ? ['HOT_WALLET', account] : [account, 'HOT_WALLET'];
      const record = await transfer(deps.pool, {
        key: `admin:${key}`,
        from,
        to,
        amount,
        kind: 'ADJUSTMENT',
        reference: reason.slice(0, 128),
      });
      if (!record.replayed) {
        await audit(deps, 'LEDGER_CORRECTION', {
          actorId: identityOf(request).userId,
          ip: request.ip,
          details: { key, account, direction, amount: transferView(record).amount, reason },
        });
      }
      return reply.status(record.replayed ? 200 : 201).send(transferView(record));
    },
  );
}
