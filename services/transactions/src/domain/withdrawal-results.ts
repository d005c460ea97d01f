import type { WithdrawalResult } from '@pupero/shared/contracts';
import { inTransaction } from '@pupero/shared/db';
import { AppError } from '@pupero/shared/errors';
import { parseXmr } from '@pupero/shared/money';
import type { PoolConnection } from 'mariadb';
import type { TransactionsDeps } from '../deps.ts';
import { userAccount } from '../ledger/accounts.ts';
import { applyTransfer } from '../ledger/transfer.ts';
import { COLUMNS, type WithdrawalRow } from './withdrawals.ts';

/**
 * A result is about the withdrawal it names only when it names what was asked for: the address and
 * the amount of our row. Otherwise it is about some other payment, and settles nothing.
 */
function assertSameWithdrawal(row: WithdrawalRow, result: WithdrawalResult) {
  if (row.address !== result.address || row.amount !== parseXmr(result.amount, 'amount')) {
    throw new AppError('UNPROCESSABLE', `Withdrawal ${row.id} was reported with another address or amount`, { reason: 'mismatch' });
  }
}

/**
 * A report that cannot follow what the wallet manager said before: FAILED after it reported the
 * transaction built (SENDING: it may have left, and the wallet never abandons a built send), or SENT
 * with another transaction than the one it named when it built (older wallet managers named it at
 * SENDING; now the hash comes with SENT, as a build that can never be mined may be replaced).
 */
function assertConsistent(row: WithdrawalRow, result: WithdrawalResult) {
  if (result.status === 'FAILED' && row.state === 'SENDING') {
    throw new AppError('CONFLICT', `Withdrawal ${row.id} was reported built (SENDING) but then FAILED`);
  }
  if (result.status === 'SENT' && row.state === 'SENDING' && row.txHash !== null && row.txHash !== result.txHash) {
    throw new AppError('CONFLICT', `Withdrawal ${row.id} was built as ${row.txHash} but reported sent as ${result.txHash}`);
  }
}

/**
 * What the wallet manager reports back (signed by it; the consumer checks). SENT settles the
 * pending debit (the coins left the hot wallet; the fee charged minus the network fee paid is the
 * platform's); FAILED, which the wallet manager sends only once it has recorded that it will never
 * send the withdrawal, refunds the user the amount and the fee. Each is a guarded state change with
 * keyed transfers: applied once.
 */
export async function recordWithdrawalResult(deps: TransactionsDeps, result: WithdrawalResult): Promise<void> {
  await inTransaction(deps.pool, async (conn) => {
    const [row] = (await conn.query(`SELECT ${COLUMNS} FROM withdrawals WHERE id = ? FOR UPDATE`, [
      result.withdrawalId,
    ])) as WithdrawalRow[];
    if (!row) throw new AppError('NOT_FOUND', `Withdrawal ${result.withdrawalId} does not exist`);
    assertSameWithdrawal(row, result);
    if (result.status === 'SENDING') {
      await conn.query(
        "UPDATE withdrawals SET state = 'SENDING', tx_hash = COALESCE(?, tx_hash), updated_at = NOW(3) WHERE id = ? AND state = 'PENDING'",
        [result.txHash ?? null, row.id],
      );
      return;
    }
    const settled = { SENT: 'SENT', FAILED: 'REFUNDED' } as const;
    if (row.state === settled[result.status]) return;
    if (row.state === 'SENT' || row.state === 'REFUNDED') {
      // Sent and refunded both would pay the user twice: refuse, and leave it to an operator.
      throw new AppError('CONFLICT', `Withdrawal ${row.id} is ${row.state} but was reported ${result.status}`);
    }
    assertConsistent(row, result);
    if (result.status === 'SENT') await settleSent(conn, row, result.txHash, parseXmr(result.networkFee, 'networkFee'));
    else await refundFailed(conn, row, result.reason);
  });
}

async function settleSent(conn: PoolConnection, row: WithdrawalRow, txHash: string, networkFee: bigint) {
  const key = `wset:${row.id}`;
  await applyTransfer(conn, {
    key: `${key}:sent`,
    from: 'WITHDRAWALS_PENDING',
    to: 'HOT_WALLET',
    amount: row.amount + networkFee,
    kind: 'WITHDRAWAL_SENT',
  });
  const margin = row.fee - networkFee;
  if (margin > 0n) await applyTransfer(conn, { key: `${key}:fee`, from: 'WITHDRAWALS_PENDING', to: 'FEES', amount: margin, kind: 'FEE' });
  if (margin < 0n) await applyTransfer(conn, { key: `${key}:fee`, from: 'FEES', to: 'WITHDRAWALS_PENDING', amount: -margin, kind: 'FEE' });
  await conn.query("UPDATE withdrawals SET state = 'SENT', tx_hash = ?, network_fee = ?, updated_at = NOW(3) WHERE id = ?", [
    txHash,
    networkFee,
    row.id,
  ]);
}

async function refundFailed(conn: PoolConnection, row: WithdrawalRow, reason: string) {
  await applyTransfer(conn, {
    key: `wset:${row.id}:refund`,
    from: 'WITHDRAWALS_PENDING',
    to: userAccount(row.userId),
    amount: row.amount + row.fee,
    kind: 'WITHDRAWAL_REFUND',
  });
  await conn.query("UPDATE withdrawals SET state = 'REFUNDED', failure_reason = ?, updated_at = NOW(3) WHERE id = ?", [
    reason.slice(0, 255),
    row.id,
  ]);
}
