import type { WithdrawalRequested } from '@pupero/shared/contracts';
import { answerAfterRace, inTransaction } from '@pupero/shared/db';
import { AppError } from '@pupero/shared/errors';
import { formatXmr } from '@pupero/shared/money';
import type { PoolConnection } from 'mariadb';
import type { TransactionsDeps } from '../deps.ts';
import { assertDebitable, userAccount } from '../ledger/accounts.ts';
import { applyTransfer } from '../ledger/transfer.ts';

export interface WithdrawalRow {
  id: bigint;
  userId: number;
  idempotencyKey: string;
  address: string;
  amount: bigint;
  fee: bigint;
  networkFee: bigint | null;
  state: 'PENDING' | 'SENDING' | 'SENT' | 'FAILED' | 'REFUNDED';
  txHash: string | null;
  failureReason: string | null;
  createdAt: Date;
}

export const COLUMNS = `id, user_id AS userId, idempotency_key AS idempotencyKey, address, amount, fee, network_fee AS networkFee, state,
  tx_hash AS txHash, failure_reason AS failureReason, created_at AS createdAt`;

export async function findWithdrawal(db: TransactionsDeps['pool'] | PoolConnection, userId: number, key: string) {
  const [row] = (await db.query(`SELECT ${COLUMNS} FROM withdrawals WHERE user_id = ? AND idempotency_key = ?`, [
    userId,
    key,
  ])) as WithdrawalRow[];
  return row;
}

export async function findWithdrawalById(deps: TransactionsDeps, id: bigint): Promise<WithdrawalRow | undefined> {
  const [row] = (await deps.pool.query(`SELECT ${COLUMNS} FROM withdrawals WHERE id = ?`, [id])) as WithdrawalRow[];
  return row;
}

/** A user's withdrawals (or, for an admin, everyone's, maybe in one state), newest first, a page at a time (cursor = the last id seen). */
export async function listWithdrawals(
  deps: TransactionsDeps,
  filter: { userId?: number; state?: string | undefined },
  cursor: string | undefined,
  limit: number,
) {
  const where = [
    ...(filter.userId === undefined ? [] : [['user_id = ?', filter.userId] as const]),
    ...(filter.state === undefined ? [] : [['state = ?', filter.state] as const]),
    ['id < ?', cursor ? BigInt(cursor) : 2n ** 63n - 1n] as const,
  ];
  const rows = (await deps.pool.query(
    `SELECT ${COLUMNS} FROM withdrawals WHERE ${where.map(([sql]) => sql).join(' AND ')} ORDER BY id DESC LIMIT ?`,
    [...where.map(([, value]) => value), limit + 1],
  )) as WithdrawalRow[];
  const page = rows.slice(0, limit);
  return { items: page.map(withdrawalView), nextCursor: rows.length > limit ? String(page[page.length - 1]!.id) : null };
}

function replayOf(row: WithdrawalRow, input: { address: string; amount: bigint }) {
  if (row.address !== input.address || row.amount !== input.amount) {
    throw new AppError('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was already used for a different withdrawal');
  }
  return row;
}

export interface WithdrawalRequest {
  userId: number;
  key: string;
  address: string;
  amount: bigint;
}

/**
 * The user's total (amount + fee) moves to WITHDRAWALS_PENDING, the withdrawal row and its outbox
 * message are written, all in one database transaction: either all of it happened or none.
 */
/** The checks that need no money to move; run first, so a TOTP code is not spent on a doomed request. */
export async function assertWithdrawable(deps: TransactionsDeps, input: { address: string; amount: bigint }): Promise<void> {
  const { MIN_WITHDRAWAL_XMR: minimum, MONERO_NETWORK: network } = deps.config;
  if (input.amount < minimum) throw new AppError('VALIDATION_FAILED', `amount must be at least ${formatXmr(minimum)} XMR`);
  if (!(await deps.isValidAddress(input.address)))
    throw new AppError('VALIDATION_FAILED', `address is not a valid Monero ${network} address`);
  // A payment from the platform wallet to one of its own subaddresses is a self-transfer the wallet
  // never reports as a deposit: the coins would stay in the wallet and nobody would be credited.
  const [own] = await deps.pool.query('SELECT 1 AS own FROM deposit_addresses WHERE address = ?', [input.address]);
  if (own) throw new AppError('UNPROCESSABLE', 'That is a Pupero deposit address; withdrawals must go to an outside wallet');
}

export async function requestWithdrawal(deps: TransactionsDeps, input: WithdrawalRequest): Promise<WithdrawalRow> {
  const { WITHDRAWAL_FEE_XMR: fee, RABBITMQ_QUEUE: queue } = deps.config;
  await assertWithdrawable(deps, input);
  const account = userAccount(input.userId);
  await assertDebitable(deps.pool, account);
  try {
    return await inTransaction(deps.pool, async (conn) => {
      const existing = await findWithdrawal(conn, input.userId, input.key);
      if (existing) return replayOf(existing, input);
      await applyTransfer(conn, {
        key: `wreq:${input.userId}:${input.key}`,
        from: account,
        to: 'WITHDRAWALS_PENDING',
        amount: input.amount + fee,
        kind: 'WITHDRAWAL',
      });
      const inserted = await conn.query('INSERT INTO withdrawals (user_id, idempotency_key, address, amount, fee) VALUES (?, ?, ?, ?, ?)', [
        input.userId,
        input.key,
        input.address,
        input.amount,
        fee,
      ]);
      const id = BigInt(inserted.insertId);
      const message: WithdrawalRequested = {
        type: 'withdrawal.requested',
        withdrawalId: String(id),
        userId: input.userId,
        address: input.address,
        amount: formatXmr(input.amount),
        requestedAt: new Date().toISOString(),
      };
      await conn.query('INSERT INTO outbox (queue, message_id, payload) VALUES (?, ?, ?)', [
        queue,
        `withdrawal:${id}`,
        JSON.stringify(message),
      ]);
      return (await findWithdrawal(conn, input.userId, input.key))!;
    });
  } catch (error) {
    return answerAfterRace(error, async () => {
      const existing = await findWithdrawal(deps.pool, input.userId, input.key);
      return existing && replayOf(existing, input);
    });
  }
}

export function withdrawalView(row: WithdrawalRow) {
  return {
    id: String(row.id),
    userId: row.userId,
    state: row.state,
    address: row.address,
    amount: formatXmr(row.amount),
    fee: formatXmr(row.fee),
    networkFee: row.networkFee === null ? null : formatXmr(row.networkFee),
    txHash: row.txHash,
    failureReason: row.failureReason,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The fee, the minimum, and the most the user can withdraw now: their available balance less the fee. */
export async function withdrawalTerms(deps: TransactionsDeps, userId: number) {
  const { WITHDRAWAL_FEE_XMR: fee, MIN_WITHDRAWAL_XMR: minimum } = deps.config;
  const [row] = (await deps.pool.query('SELECT balance - held AS available FROM accounts WHERE code = ?', [userAccount(userId)])) as {
    available: bigint;
  }[];
  const available = BigInt(row?.available ?? 0n);
  const most = available - fee;
  return {
    fee: formatXmr(fee),
    minimum: formatXmr(minimum),
    available: formatXmr(available),
    maximum: formatXmr(most >= minimum ? most : 0n),
  };
}
