import { formatXmr } from '@pupero/shared/money';
import type { WalletDeps } from '../deps.ts';

export const depositStates = ['PENDING', 'CREDITED', 'DUST'] as const;
type DepositState = (typeof depositStates)[number];

interface Seen {
  txHash: string;
  subaddressIndex: number;
  amount: bigint;
  height: number | null;
  confirmations: number;
}

/**
 * What the wallet sees arriving at users' subaddresses now, summed per (tx, subaddress). A
 * transaction that a reorg dropped is simply no longer here, so it can never reach the crediting step.
 */
async function incomingNow(deps: WalletDeps): Promise<Seen[]> {
  await deps.wallet.sync();
  const transfers = await deps.wallet.getTransfers({ isIncoming: true, accountIndex: 0 });
  const byKey = new Map<string, Seen>();
  for (const transfer of transfers) {
    const subaddressIndex = (transfer as unknown as { getSubaddressIndex(): number }).getSubaddressIndex();
    const tx = transfer.getTx();
    if (!subaddressIndex || tx.getIsFailed()) continue;
    const key = `${tx.getHash()}:${subaddressIndex}`;
    const seen = byKey.get(key);
    if (seen) seen.amount += transfer.getAmount();
    else
      byKey.set(key, {
        txHash: tx.getHash(),
        subaddressIndex,
        amount: transfer.getAmount(),
        height: tx.getIsConfirmed() ? (tx.getHeight() ?? null) : null,
        confirmations: tx.getIsConfirmed() ? Number(tx.getNumConfirmations() ?? 0) : 0,
      });
  }
  return [...byKey.values()];
}

/**
 * One pass of the deposit watcher: record what arrived, and credit (through the ledger, keyed by
 * tx and subaddress, so at most once) what has enough confirmations and is large enough.
 */
export async function scanDeposits(deps: WalletDeps): Promise<{ seen: number; credited: number }> {
  const { DEPOSIT_CONFIRMATIONS, MIN_SWEEP_XMR } = deps.config;
  const seen = await incomingNow(deps);
  const owners = new Map(
    (
      (await deps.pool.query('SELECT user_id AS userId, subaddress_index AS idx FROM deposit_addresses')) as {
        userId: number;
        idx: number;
      }[]
    ).map((r) => [r.idx, r.userId]),
  );
  // Confirmations of what the wallet no longer sees fall to zero: it stays uncredited.
  await deps.pool.query("UPDATE deposits SET confirmations = 0, height = NULL WHERE state IN ('PENDING', 'DUST')");
  let credited = 0;
  for (const deposit of seen) {
    const userId = owners.get(deposit.subaddressIndex);
    if (userId === undefined) continue;
    // A transaction's outputs to one subaddress arrive together, so its amount is known when it is
    // first seen: one below the minimum is DUST at once (shown, never credited, never "pending").
    const dust = deposit.amount < MIN_SWEEP_XMR;
    await deps.pool.query(
      `INSERT INTO deposits (tx_hash, subaddress_index, user_id, amount, height, confirmations, state) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE confirmations = VALUES(confirmations), height = VALUES(height),
         amount = IF(state = 'PENDING', VALUES(amount), amount), state = IF(state = 'PENDING', VALUES(state), state)`,
      [deposit.txHash, deposit.subaddressIndex, userId, deposit.amount, deposit.height, deposit.confirmations, dust ? 'DUST' : 'PENDING'],
    );
    const ready = deposit.confirmations >= DEPOSIT_CONFIRMATIONS && !dust;
    if (ready && (await spendable(deps, deposit.txHash)) && (await creditDeposit(deps, userId, deposit))) credited += 1;
  }
  return { seen: seen.length, credited };
}

/**
 * A sender can choose a future unlock time: the coins arrive and confirm, but the wallet cannot
 * spend them. Only the full transaction says so (the transfer list does not), so it is looked up
 * once a deposit is otherwise ready; a locked one stays PENDING for an operator to see.
 */
async function spendable(deps: WalletDeps, txHash: string): Promise<boolean> {
  const tx = await deps.wallet.getTx(txHash);
  return tx !== undefined && !tx.getIsLocked() && (tx.getUnlockTime() ?? 0n) === 0n;
}

async function creditDeposit(deps: WalletDeps, userId: number, deposit: Seen): Promise<boolean> {
  const [row] = (await deps.pool.query('SELECT state FROM deposits WHERE tx_hash = ? AND subaddress_index = ?', [
    deposit.txHash,
    deposit.subaddressIndex,
  ])) as { state: string }[];
  if (row?.state === 'CREDITED') return false;
  await deps.transactions('POST', '/deposits/credit', {
    userId,
    txHash: deposit.txHash,
    subaddressIndex: deposit.subaddressIndex,
    amount: formatXmr(deposit.amount),
  });
  const marked = await deps.pool.query(
    "UPDATE deposits SET state = 'CREDITED', credited_at = NOW(3) WHERE tx_hash = ? AND subaddress_index = ? AND state = 'PENDING'",
    [deposit.txHash, deposit.subaddressIndex],
  );
  return marked.affectedRows === 1;
}

/** How long a block takes here: set by the operator, or the regtest miner's pace, or Monero's target of two minutes. */
export function blockSeconds(config: WalletDeps['config']): number {
  return config.BLOCK_SECONDS ?? (config.REGTEST_MINER ? config.REGTEST_MINER_INTERVAL_SECONDS : 120);
}

export async function depositsOf(deps: WalletDeps, userId: number) {
  const rows = (await deps.pool.query(
    'SELECT tx_hash AS txHash, amount, confirmations, state, created_at AS createdAt FROM deposits WHERE user_id = ? ORDER BY id DESC LIMIT 100',
    [userId],
  )) as { txHash: string; amount: bigint; confirmations: number; state: DepositState; createdAt: Date }[];
  const { DEPOSIT_CONFIRMATIONS: required, MIN_SWEEP_XMR: minimum } = deps.config;
  const secondsPerBlock = blockSeconds(deps.config);
  return {
    minimum: formatXmr(minimum),
    requiredConfirmations: required,
    secondsPerBlock,
    items: rows.map((r) => ({
      txHash: r.txHash,
      amount: formatXmr(r.amount),
      confirmations: r.confirmations,
      state: r.state,
      // Blocks still to come times the block time: an estimate, for a pending deposit only.
      secondsLeft: r.state === 'PENDING' ? Math.max(0, required - r.confirmations) * secondsPerBlock : null,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}
