import { formatXmr } from '@pupero/shared/money';
import type { TransactionsDeps } from '../deps.ts';
import { userAccount } from '../ledger/accounts.ts';

/**
 * What of a user's money is not settled: a balance (available or held), a withdrawal not yet sent,
 * a deposit seen on chain but not yet credited. Deposits are the wallet manager's table; the ledger
 * may read who each belongs to and whether it is still pending (db/grants.ts), nothing more.
 */
export async function openMoneyOf(deps: Pick<TransactionsDeps, 'pool'>, userId: number) {
  const [[account], [withdrawals], [deposits]] = (await Promise.all([
    deps.pool.query('SELECT balance FROM accounts WHERE code = ?', [userAccount(userId)]),
    deps.pool.query("SELECT COUNT(*) AS n FROM withdrawals WHERE user_id = ? AND state IN ('PENDING', 'SENDING')", [userId]),
    deps.pool.query("SELECT COUNT(*) AS n FROM deposits WHERE user_id = ? AND state = 'PENDING'", [userId]),
  ])) as [{ balance: bigint }[], { n: bigint }[], { n: bigint }[]];
  const balance = account?.balance ?? 0n;
  const pendingWithdrawals = Number(withdrawals?.n ?? 0);
  const pendingDeposits = Number(deposits?.n ?? 0);
  return {
    open: balance !== 0n || pendingWithdrawals > 0 || pendingDeposits > 0,
    balance: formatXmr(balance),
    pendingWithdrawals,
    pendingDeposits,
  };
}
