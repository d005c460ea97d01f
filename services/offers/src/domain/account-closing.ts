import { inTransaction } from '@pupero/shared/db';
import { AppError } from '@pupero/shared/errors';
import type { OffersDeps } from '../deps.ts';

/**
 * Login is deleting this user's account: refused while any of their trades is open or its escrow
 * not yet settled by the ledger (someone would be left without a counterparty); otherwise their
 * offers are closed, so nobody can open a trade with an account that is gone. Closing comes first
 * in the transaction, so a trade checked for is not racing a still-active offer of this user.
 */
export async function closeUserForDeletion(deps: Pick<OffersDeps, 'pool'>, userId: number): Promise<{ closedOffers: number }> {
  return inTransaction(deps.pool, async (conn) => {
    const closed = await conn.query("UPDATE offers SET status = 'CLOSED' WHERE owner_id = ? AND status <> 'CLOSED'", [userId]);
    const [open] = (await conn.query(
      `SELECT COUNT(*) AS n FROM trades
        WHERE (buyer_id = ? OR seller_id = ?)
          AND (state IN ('AWAITING_PAYMENT', 'PAYMENT_SENT', 'DISPUTED') OR escrow = 'HELD')`,
      [userId, userId],
    )) as { n: bigint }[];
    if (Number(open?.n ?? 0) > 0) throw new AppError('CONFLICT', 'Finish your open trades before deleting the account');
    return { closedOffers: Number(closed.affectedRows) };
  });
}
