import { answerAfterRace, inTransaction } from '@pupero/shared/db';
import { AppError } from '@pupero/shared/errors';
import { formatXmr } from '@pupero/shared/money';
import type { Pool, PoolConnection } from 'mariadb';
import { assertCovers, assertDebitable, ensureAccounts, lockAccounts } from './accounts.ts';

/**
 * Escrow as a two-phase transfer: a hold raises `held` on an account (its owner can no longer
 * spend it); then exactly one of post (the amount moves to another account) or void (released).
 */
export interface HoldRecord {
  id: bigint;
  key: string;
  account: string;
  /** The only account the hold can be posted to. */
  counterparty: string | null;
  amount: bigint;
  state: 'PENDING' | 'POSTED' | 'VOIDED';
  postedTo: string | null;
  replayed: boolean;
}

type HoldRow = Omit<HoldRecord, 'replayed'> & { accountId: number };

interface RawHold {
  id: bigint;
  key: string;
  accountId: number;
  counterpartyId: number | null;
  amount: bigint;
  state: HoldRecord['state'];
  postedToId: number | null;
}

/**
 * Reads a hold; with `forUpdate` it locks the hold row only (never the accounts: those are
 * locked later, in id order, like in every other money transaction).
 */
async function findHold(
  db: Pool | PoolConnection,
  where: 'hold_key = ?' | 'id = ?',
  value: unknown,
  forUpdate = false,
): Promise<HoldRow | undefined> {
  const [raw] = (await db.query(
    `SELECT id, hold_key AS \`key\`, account_id AS accountId, counterparty_account_id AS counterpartyId, amount, state, posted_to_account_id AS postedToId FROM holds WHERE ${where}${forUpdate ? ' FOR UPDATE' : ''}`,
    [value],
  )) as RawHold[];
  if (!raw) return undefined;
  const ids = [raw.accountId, raw.counterpartyId, raw.postedToId].filter((id) => id !== null);
  const codes = new Map(
    ((await db.query('SELECT id, code FROM accounts WHERE id IN (?)', [ids])) as { id: number; code: string }[]).map((a) => [a.id, a.code]),
  );
  const code = (id: number | null) => (id === null ? null : codes.get(id)!);
  return { ...raw, account: code(raw.accountId)!, counterparty: code(raw.counterpartyId), postedTo: code(raw.postedToId) };
}

const record = (row: HoldRow, replayed: boolean): HoldRecord => ({
  id: row.id,
  key: row.key,
  account: row.account,
  counterparty: row.counterparty,
  amount: row.amount,
  state: row.state,
  postedTo: row.postedTo,
  replayed,
});

interface HoldInput {
  key: string;
  account: string;
  counterparty: string;
  amount: bigint;
  reference?: string | undefined;
}

function replayOf(row: HoldRow, input: HoldInput): HoldRecord {
  if (row.account !== input.account || row.counterparty !== input.counterparty || row.amount !== input.amount) {
    throw new AppError('IDEMPOTENCY_CONFLICT', `Hold key ${input.key} was already used for a different hold`);
  }
  return record(row, true);
}

export async function placeHold(pool: Pool, input: HoldInput): Promise<HoldRecord> {
  if (!input.account.startsWith('USER:') || !input.counterparty.startsWith('USER:') || input.account === input.counterparty) {
    throw new AppError('UNPROCESSABLE', 'A hold is placed on one user account for another');
  }
  await assertDebitable(pool, input.account);
  await ensureAccounts(pool, [input.counterparty]);
  try {
    return await inTransaction(pool, async (conn) => {
      const locked = await lockAccounts(conn, [input.account, input.counterparty]);
      const existing = await findHold(conn, 'hold_key = ?', input.key);
      if (existing) return replayOf(existing, input);
      const account = locked.get(input.account)!;
      assertCovers(account, input.amount);
      await conn.query('UPDATE accounts SET held = held + ? WHERE id = ?', [input.amount, account.id]);
      const inserted = await conn.query(
        'INSERT INTO holds (hold_key, account_id, counterparty_account_id, amount, reference) VALUES (?, ?, ?, ?, ?)',
        [input.key, account.id, locked.get(input.counterparty)!.id, input.amount, input.reference ?? null],
      );
      return {
        id: BigInt(inserted.insertId),
        key: input.key,
        account: input.account,
        counterparty: input.counterparty,
        amount: input.amount,
        state: 'PENDING',
        postedTo: null,
        replayed: false,
      };
    });
  } catch (error) {
    return answerAfterRace(error, async () => {
      const existing = await findHold(pool, 'hold_key = ?', input.key);
      return existing && replayOf(existing, input);
    });
  }
}

/**
 * Moves a pending hold's amount to the counterparty named when it was placed, and nowhere else.
 * Posting again answers the same; posting a voided hold is a conflict.
 */
export async function postHold(pool: Pool, holdId: bigint): Promise<HoldRecord> {
  return inTransaction(pool, async (conn) => {
    const hold = await lockedHold(conn, holdId);
    if (hold.state === 'POSTED') return record(hold, true);
    if (hold.state !== 'PENDING') throw new AppError('CONFLICT', `Hold ${holdId} is already ${hold.state.toLowerCase()}`);
    const to = hold.counterparty;
    if (to === null) throw new AppError('UNPROCESSABLE', `Hold ${holdId} names no counterparty; a moderator must settle it`);
    const accounts = await lockAccounts(conn, [hold.account, to]);
    const target = accounts.get(to)!;
    await conn.query('UPDATE accounts SET balance = balance - ?, held = held - ? WHERE id = ?', [hold.amount, hold.amount, hold.accountId]);
    await conn.query('UPDATE accounts SET balance = balance + ? WHERE id = ?', [hold.amount, target.id]);
    const transfer = await conn.query(
      "INSERT INTO transfers (transfer_key, debit_account_id, credit_account_id, amount, kind, reference) VALUES (?, ?, ?, ?, 'HOLD_POST', ?)",
      [`hold:${holdId}:post`, hold.accountId, target.id, hold.amount, hold.key],
    );
    await conn.query("UPDATE holds SET state = 'POSTED', posted_to_account_id = ?, transfer_id = ?, resolved_at = NOW(3) WHERE id = ?", [
      target.id,
      transfer.insertId,
      holdId,
    ]);
    return { ...record(hold, false), state: 'POSTED', postedTo: to };
  });
}

/** Releases a pending hold back to its owner. Voiding again answers the same; a posted hold cannot be voided. */
export async function voidHold(pool: Pool, holdId: bigint): Promise<HoldRecord> {
  return inTransaction(pool, async (conn) => {
    const hold = await lockedHold(conn, holdId);
    if (hold.state === 'VOIDED') return record(hold, true);
    if (hold.state !== 'PENDING') throw new AppError('CONFLICT', `Hold ${holdId} is already ${hold.state.toLowerCase()}`);
    await lockAccounts(conn, [hold.account]);
    await conn.query('UPDATE accounts SET held = held - ? WHERE id = ?', [hold.amount, hold.accountId]);
    await conn.query("UPDATE holds SET state = 'VOIDED', resolved_at = NOW(3) WHERE id = ?", [holdId]);
    return { ...record(hold, false), state: 'VOIDED' };
  });
}

async function lockedHold(conn: PoolConnection, holdId: bigint): Promise<HoldRow> {
  const hold = await findHold(conn, 'id = ?', holdId, true);
  if (!hold) throw new AppError('NOT_FOUND', `Hold ${holdId} does not exist`);
  return hold;
}

export function holdView(hold: HoldRecord) {
  return {
    id: String(hold.id),
    key: hold.key,
    account: hold.account,
    counterparty: hold.counterparty,
    amount: formatXmr(hold.amount),
    state: hold.state,
    postedTo: hold.postedTo,
    replayed: hold.replayed,
  };
}
