import { answerAfterRace, inTransaction } from '@pupero/shared/db';
import { AppError } from '@pupero/shared/errors';
import { formatXmr } from '@pupero/shared/money';
import type { Pool, PoolConnection } from 'mariadb';
import { assertCovers, assertDebitable, ensureAccounts, lockAccounts } from './accounts.ts';

export interface TransferInput {
  key: string;
  from: string;
  to: string;
  amount: bigint;
  kind: string;
  reference?: string | undefined;
}

export interface TransferRecord {
  id: bigint;
  key: string;
  from: string;
  to: string;
  amount: bigint;
  kind: string;
  reference: string | null;
  createdAt: Date;
  replayed: boolean;
}

const SELECT_TRANSFER = `SELECT t.id, t.transfer_key AS \`key\`, d.code AS \`from\`, c.code AS \`to\`, t.amount, t.kind, t.reference, t.created_at AS createdAt
  FROM transfers t JOIN accounts d ON d.id = t.debit_account_id JOIN accounts c ON c.id = t.credit_account_id WHERE t.transfer_key = ?`;

export async function findTransfer(db: Pool | PoolConnection, key: string): Promise<TransferRecord | undefined> {
  const [row] = (await db.query(SELECT_TRANSFER, [key])) as Omit<TransferRecord, 'replayed'>[];
  return row ? { ...row, replayed: true } : undefined;
}

/** A key names one movement: the same key with another body is refused, never applied twice. */
function replayOf(existing: TransferRecord, input: TransferInput): TransferRecord {
  if (existing.from !== input.from || existing.to !== input.to || existing.amount !== input.amount || existing.kind !== input.kind) {
    throw new AppError('IDEMPOTENCY_CONFLICT', `Transfer key ${input.key} was already used for a different transfer`);
  }
  return existing;
}

/**
 * Moves `amount` from one account to another inside the caller's transaction: locks both rows in
 * id order, checks the debit side, updates both, records the transfer under its unique key.
 */
export async function applyTransfer(conn: PoolConnection, input: TransferInput): Promise<TransferRecord> {
  if (input.amount <= 0n) throw new AppError('VALIDATION_FAILED', 'amount must be greater than zero');
  if (input.from === input.to) throw new AppError('VALIDATION_FAILED', 'from and to must be different accounts');
  // Sent together (the driver pipelines them on the connection), locks first: a same-key request that
  // committed while this one waited for the locks is then seen, and answered as a replay.
  const [accounts, existing] = await Promise.all([lockAccounts(conn, [input.from, input.to]), findTransfer(conn, input.key)]);
  if (existing) return replayOf(existing, input);
  const debit = accounts.get(input.from)!;
  const credit = accounts.get(input.to)!;
  assertCovers(debit, input.amount);
  const [, , inserted] = await Promise.all([
    conn.query('UPDATE accounts SET balance = balance - ? WHERE id = ?', [input.amount, debit.id]),
    conn.query('UPDATE accounts SET balance = balance + ? WHERE id = ?', [input.amount, credit.id]),
    conn.query(
      'INSERT INTO transfers (transfer_key, debit_account_id, credit_account_id, amount, kind, reference) VALUES (?, ?, ?, ?, ?, ?)',
      [input.key, debit.id, credit.id, input.amount, input.kind, input.reference ?? null],
    ),
  ]);
  return { id: BigInt(inserted.insertId), ...input, reference: input.reference ?? null, createdAt: new Date(), replayed: false };
}

/** One idempotent transfer in its own transaction. */
export async function transfer(pool: Pool, input: TransferInput): Promise<TransferRecord> {
  await assertDebitable(pool, input.from);
  await ensureAccounts(pool, [input.to]);
  try {
    return await inTransaction(pool, (conn) => applyTransfer(conn, input));
  } catch (error) {
    return answerAfterRace(error, async () => {
      const existing = await findTransfer(pool, input.key);
      return existing && replayOf(existing, input);
    });
  }
}

export function transferView(record: TransferRecord) {
  return {
    id: String(record.id),
    key: record.key,
    from: record.from,
    to: record.to,
    amount: formatXmr(record.amount),
    kind: record.kind,
    reference: record.reference,
    createdAt: record.createdAt.toISOString(),
    replayed: record.replayed,
  };
}
