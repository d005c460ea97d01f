import { mariadbConfig } from '@pupero/shared/db';
import type { Wallet } from '@pupero/wallet-manager/testing';
import mariadb from 'mariadb';
import type { ApiClient } from './client.ts';
import type { Movements, User } from './workload.ts';

export interface CheckReport {
  movementsChecked: { deposits: number; trades: number; withdrawals: number; accounts: number; total: number };
  lost: string[];
  doubled: string[];
  /** Anything else that is wrong: an account whose balance is not its transfers, a failed invariant, no cover. */
  problems: string[];
  invariants: unknown;
  reconcile: unknown;
  withdrawalStates: Record<string, number>;
  receivedByOutsideWallet: number;
}

type Row = Record<string, any>;

/** Read-only: SELECTs as the database's admin, nothing else. */
async function select(databaseUrl: string, sql: string): Promise<Row[]> {
  const conn = await mariadb.createConnection(mariadbConfig(databaseUrl, { bigIntAsNumber: false }));
  try {
    return (await conn.query(sql)) as Row[];
  } finally {
    await conn.end();
  }
}

/** Everything the run is judged on, once the workload has settled. */
export async function checkMovements(input: {
  databaseUrl: string;
  moves: Movements;
  outside: Wallet;
  api: ApiClient;
  admin: User;
}): Promise<CheckReport> {
  const { databaseUrl, moves } = input;
  const report: CheckReport = {
    movementsChecked: { deposits: 0, trades: 0, withdrawals: 0, accounts: 0, total: 0 },
    lost: [],
    doubled: [],
    problems: [],
    invariants: undefined,
    reconcile: undefined,
    withdrawalStates: {},
    receivedByOutsideWallet: 0,
  };
  const once = (what: string, count: number) => {
    if (count === 0) report.lost.push(what);
    if (count > 1) report.doubled.push(`${what} (${count} times)`);
  };

  // Deposits: credited once per txid.
  const credits = new Map(
    (await select(databaseUrl, "SELECT reference, COUNT(*) AS n FROM transfers WHERE kind = 'DEPOSIT' GROUP BY reference")).map((r) => [
      r.reference,
      Number(r.n),
    ]),
  );
  for (const { txHash } of moves.deposits) once(`deposit ${txHash}`, credits.get(txHash) ?? 0);
  for (const [txHash, n] of credits) if (n > 1 && !moves.deposits.some((d) => d.txHash === txHash)) once(`deposit ${txHash}`, n);
  report.movementsChecked.deposits = moves.deposits.length;

  // Trades: a released (or buyer-won) trade's hold posted once; a cancelled (or seller-won) one voided, never posted.
  const trades = new Map(
    (
      await select(
        databaseUrl,
        `SELECT t.id, t.state, t.escrow, h.state AS holdState,
                (SELECT COUNT(*) FROM transfers WHERE transfer_key = CONCAT('hold:', t.hold_id, ':post')) AS posts
           FROM trades t LEFT JOIN holds h ON h.id = t.hold_id`,
      )
    ).map((r) => [Number(r.id), r]),
  );
  for (const trade of moves.trades) {
    const row = trades.get(trade.id);
    const what = `trade ${trade.id} (${trade.how})`;
    if (!row) {
      report.lost.push(what);
      continue;
    }
    if (trade.outcome === 'post') once(`${what}: escrow to the buyer`, Number(row.posts));
    else {
      if (Number(row.posts) > 0) report.doubled.push(`${what}: escrow moved although it was to be returned`);
      if (row.escrow !== 'VOIDED') report.lost.push(`${what}: escrow not returned (${row.escrow}, hold ${row.holdState})`);
    }
  }
  report.movementsChecked.trades = moves.trades.length;

  // Withdrawals: one row and one debit per accepted request; the outside wallet receives each at most once.
  const rows = await select(
    databaseUrl,
    `SELECT w.user_id AS userId, w.idempotency_key AS k, w.amount, w.state,
            (SELECT COUNT(*) FROM transfers WHERE transfer_key = CONCAT('wreq:', w.user_id, ':', w.idempotency_key)) AS debits
       FROM withdrawals w`,
  );
  const received = await incomingByAmount(input.outside);
  for (const w of moves.withdrawals) {
    const what = `withdrawal ${w.id} of ${w.amount} piconero`;
    const mine = rows.filter((r) => Number(r.userId) === w.userId && r.k === w.key);
    once(what, mine.length);
    const row = mine[0];
    if (!row) continue;
    once(`${what}: debit`, Number(row.debits));
    report.withdrawalStates[row.state] = (report.withdrawalStates[row.state] ?? 0) + 1;
    const got = received.get(w.amount) ?? 0;
    report.receivedByOutsideWallet += Math.min(got, 1);
    if (got > 1) report.doubled.push(`${what}: received ${got} times by the outside wallet`);
    if (row.state === 'SENT' && got === 0) report.lost.push(`${what}: SENT but never received`);
    if (row.state === 'REFUNDED' && got > 0) report.doubled.push(`${what}: refunded and also received`);
    if (row.state !== 'SENT' && row.state !== 'REFUNDED') report.problems.push(`${what}: still ${row.state}`);
  }
  report.movementsChecked.withdrawals = moves.withdrawals.length;

  // Every account: its balance is the sum of its transfers, and what it holds is the sum of its pending holds.
  const accounts = await select(
    databaseUrl,
    `SELECT a.code, a.balance, a.held,
            CAST(COALESCE((SELECT SUM(amount) FROM transfers WHERE credit_account_id = a.id), 0) - COALESCE((SELECT SUM(amount) FROM transfers WHERE debit_account_id = a.id), 0) AS CHAR) AS moved,
            CAST(COALESCE((SELECT SUM(amount) FROM holds WHERE account_id = a.id AND state = 'PENDING'), 0) AS CHAR) AS pending
       FROM accounts a`,
  );
  for (const a of accounts) {
    if (BigInt(a.balance) !== BigInt(a.moved))
      report.problems.push(`account ${a.code}: balance ${a.balance} but its transfers sum to ${a.moved}`);
    if (BigInt(a.held) !== BigInt(a.pending))
      report.problems.push(`account ${a.code}: held ${a.held} but its pending holds sum to ${a.pending}`);
  }
  report.movementsChecked.accounts = accounts.length;
  const { deposits, trades: t, withdrawals } = report.movementsChecked;
  report.movementsChecked.total = deposits + t + withdrawals;

  const summary = await input.api('summary', 'GET', '/admin/ledger/summary', { token: input.admin.token });
  report.invariants = summary.body?.invariants;
  const inv = summary.body?.invariants ?? {};
  if (!(inv.balancesSumToZero === true && inv.usersWithNegativeAvailable === 0 && inv.accountsWithNegativeHeld === 0))
    report.problems.push(`ledger invariants: ${summary.status} ${JSON.stringify(summary.body)}`);
  const reconcile = await input.api('reconcile', 'GET', '/admin/wallet/reconcile', { token: input.admin.token });
  report.reconcile = reconcile.body;
  if (!(reconcile.status === 200 && reconcile.body.covered === true && !String(reconcile.body.surplus).startsWith('-')))
    report.problems.push(`the wallet does not reconcile with the ledger: ${reconcile.status} ${JSON.stringify(reconcile.body)}`);
  return report;
}

/** The outside wallet's incoming transfers (the pool's too), counted by amount. */
async function incomingByAmount(wallet: Wallet): Promise<Map<bigint, number>> {
  await wallet.sync();
  const counts = new Map<bigint, number>();
  for (const transfer of await wallet.getTransfers({ isIncoming: true })) {
    const amount = BigInt(transfer.getAmount());
    counts.set(amount, (counts.get(amount) ?? 0) + 1);
  }
  return counts;
}
