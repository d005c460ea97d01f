import { formatXmr } from '@pupero/shared/money';
import type { WalletDeps } from '../deps.ts';

/**
 * The wallet's real balance next to what the ledger says it holds for others: users' balances and
 * withdrawals not yet sent. The hot wallet covers its users when its unlocked balance is at least that.
 */
export async function reconcile(deps: WalletDeps) {
  const [walletBalance, walletUnlocked] = await Promise.all([deps.wallet.getBalance(0), deps.wallet.getUnlockedBalance(0)]);
  const rows = (await deps.pool.query('SELECT kind, CAST(COALESCE(SUM(balance), 0) AS CHAR) AS total FROM accounts GROUP BY kind')) as {
    kind: string;
    total: string;
  }[];
  const total = (kind: string) => BigInt(rows.find((r) => r.kind === kind)?.total ?? '0');
  const owedToUsers = total('USER');
  const pendingWithdrawals = total('WITHDRAWALS_PENDING');
  const owed = owedToUsers + pendingWithdrawals;
  return {
    wallet: { balance: formatXmr(walletBalance), unlocked: formatXmr(walletUnlocked) },
    ledger: {
      owedToUsers: formatXmr(owedToUsers),
      pendingWithdrawals: formatXmr(pendingWithdrawals),
      fees: formatXmr(total('FEES')),
      hotWalletAccount: formatXmr(-total('HOT_WALLET')),
    },
    surplus: formatXmr(walletBalance - owed),
    covered: walletUnlocked >= owed,
  };
}
