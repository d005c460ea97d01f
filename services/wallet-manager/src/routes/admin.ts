import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import { formatXmr } from '@pupero/shared/money';
import { z } from 'zod';
import type { WalletDeps } from '../deps.ts';
import { reconcile } from '../domain/reconcile.ts';
import { sendWithdrawal } from '../domain/sends.ts';

const executeBody = z.strictObject({ withdrawalId: z.string().regex(/^\d{1,19}$/) });
const executeView = z.object({
  withdrawalId: z.string(),
  outcome: z.enum(['SENT', 'FAILED', 'RETRY', 'NOTHING_TO_DO']),
  send: z
    .object({
      state: z.string(),
      txHash: z.string().nullable(),
      fee: z.string().nullable(),
      attempts: z.number().int(),
      lastError: z.string().nullable(),
    })
    .nullable(),
});
const reconcileView = z.object({
  wallet: z.object({ balance: z.string(), unlocked: z.string() }),
  ledger: z.object({ owedToUsers: z.string(), pendingWithdrawals: z.string(), fees: z.string(), hotWalletAccount: z.string() }),
  surplus: z.string(),
  covered: z.boolean(),
});

export function adminRoutes(app: Server, deps: WalletDeps) {
  const adminsOnly = requireUser(deps.tokens, ['admin']);

  // Runs one queued withdrawal now (the same at-most-once send as the queue consumer's).
  app.post(
    '/admin/withdraw/execute',
    { onRequest: adminsOnly, schema: { body: executeBody, response: { 200: executeView } } },
    async (request) => {
      const id = BigInt(request.body.withdrawalId);
      const outcome = await sendWithdrawal(deps, id);
      await deps.pool.query("INSERT INTO audit_log (action, actor_id, ip, details) VALUES ('ADMIN_WITHDRAW_EXECUTE', ?, ?, ?)", [
        identityOf(request).userId,
        request.ip,
        JSON.stringify({ withdrawalId: request.body.withdrawalId, outcome }),
      ]);
      const [send] = await deps.pool.query(
        'SELECT state, tx_hash AS txHash, fee, attempts, last_error AS lastError FROM wallet_sends WHERE withdrawal_id = ?',
        [id],
      );
      return {
        withdrawalId: request.body.withdrawalId,
        outcome,
        send: send
          ? {
              state: send.state,
              txHash: send.txHash,
              fee: send.fee === null ? null : formatXmr(send.fee),
              attempts: send.attempts,
              lastError: send.lastError,
            }
          : null,
      };
    },
  );

  app.get('/admin/wallet/reconcile', { onRequest: adminsOnly, schema: { response: { 200: reconcileView } } }, async (request) => {
    const report = await reconcile(deps);
    await deps.pool.query("INSERT INTO audit_log (action, actor_id, ip) VALUES ('ADMIN_WALLET_RECONCILE', ?, ?)", [
      identityOf(request).userId,
      request.ip,
    ]);
    return report;
  });
}
