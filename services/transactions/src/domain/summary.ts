import { formatXmr } from '@pupero/shared/money';
import type { TransactionsDeps } from '../deps.ts';

interface KindRow {
  kind: string;
  accounts: bigint;
  balance: bigint | null;
  held: bigint | null;
}

/** Totals by account kind and the ledger's invariants, checked in the database as it is now. */
export async function ledgerSummary(deps: TransactionsDeps) {
  const kinds = (await deps.pool.query(
    'SELECT kind, COUNT(*) AS accounts, CAST(SUM(balance) AS DECIMAL(65,0)) AS balance, CAST(SUM(held) AS DECIMAL(65,0)) AS held FROM accounts GROUP BY kind ORDER BY kind',
  )) as KindRow[];
  const [violations] = (await deps.pool.query(
    `SELECT SUM(kind = 'USER' AND balance - held < 0) AS negativeAvailable, SUM(held < 0) AS negativeHeld,
            CAST(COALESCE(SUM(balance), 0) AS DECIMAL(65,0)) AS total FROM accounts`,
  )) as { negativeAvailable: bigint | null; negativeHeld: bigint | null; total: string | bigint }[];
  const total = BigInt(violations?.total ?? 0);
  return {
    kinds: kinds.map((k) => ({
      kind: k.kind,
      accounts: Number(k.accounts),
      balance: formatXmr(BigInt(k.balance ?? 0)),
      held: formatXmr(BigInt(k.held ?? 0)),
    })),
    invariants: {
      balancesSumToZero: total === 0n,
      sum: formatXmr(total),
      usersWithNegativeAvailable: Number(violations?.negativeAvailable ?? 0),
      accountsWithNegativeHeld: Number(violations?.negativeHeld ?? 0),
    },
  };
}
