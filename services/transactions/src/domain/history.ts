import { formatXmr } from '@pupero/shared/money';
import type { TransactionsDeps } from '../deps.ts';
import { userAccount } from '../ledger/accounts.ts';

interface HistoryRow {
  id: bigint;
  kind: string;
  amount: bigint;
  reference: string | null;
  createdAt: Date;
  debitCode: string;
  creditCode: string;
}

const SELECT = `SELECT t.id, t.kind, t.amount, t.reference, t.created_at AS createdAt, d.code AS debitCode, c.code AS creditCode
  FROM transfers t JOIN accounts d ON d.id = t.debit_account_id JOIN accounts c ON c.id = t.credit_account_id`;

/**
 * The user's transfers, newest first, a page at a time (cursor = the last id seen). Two index
 * ranges (as debtor, as creditor) merged, rather than one OR that would scan.
 */
export async function historyOf(deps: TransactionsDeps, userId: number, cursor: string | undefined, limit: number) {
  const code = userAccount(userId);
  const before = cursor ? BigInt(cursor) : 2n ** 63n - 1n;
  const rows = (await deps.pool.query(
    `(${SELECT} WHERE t.debit_account_id = (SELECT id FROM accounts WHERE code = ?) AND t.id < ? ORDER BY t.id DESC LIMIT ?)
     UNION ALL
     (${SELECT} WHERE t.credit_account_id = (SELECT id FROM accounts WHERE code = ?) AND t.id < ? ORDER BY t.id DESC LIMIT ?)
     ORDER BY id DESC LIMIT ?`,
    [code, before, limit + 1, code, before, limit + 1, limit + 1],
  )) as HistoryRow[];
  const page = rows.slice(0, limit);
  return {
    items: page.map((row) => {
      const outgoing = row.debitCode === code;
      const other = outgoing ? row.creditCode : row.debitCode;
      return {
        id: String(row.id),
        kind: row.kind,
        direction: outgoing ? ('OUT' as const) : ('IN' as const),
        amount: formatXmr(row.amount),
        // Another user's account id is theirs to keep; system accounts are named.
        counterparty: other.startsWith('USER:') ? 'USER' : other,
        reference: row.reference,
        createdAt: row.createdAt.toISOString(),
      };
    }),
    nextCursor: rows.length > limit && page.length > 0 ? String(page[page.length - 1]!.id) : null,
  };
}
