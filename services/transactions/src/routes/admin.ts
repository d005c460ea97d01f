import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import { z } from 'zod';
import type { TransactionsDeps } from '../deps.ts';
import { audit } from '../domain/audit.ts';
import { ledgerSummary } from '../domain/summary.ts';

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

  app.get('/admin/ledger/summary', { preHandler: adminsOnly, schema: { response: { 200: summaryView } } }, async (request) => {
    const summary = await ledgerSummary(deps);
    await audit(deps, 'ADMIN_LEDGER_SUMMARY', {
      actorId: identityOf(request).userId,
      ip: request.ip,
      details: { balancesSumToZero: summary.invariants.balancesSumToZero },
    });
    return summary;
  });
}
