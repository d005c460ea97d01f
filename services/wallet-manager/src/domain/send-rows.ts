import type { WalletDeps } from '../deps.ts';

/**
 * The `wallet_sends` row of a withdrawal, the wallet's own record of what it did. Its state only
 * moves forward, RETRY → BUILT → RELAYED or RETRY → FAILED, and every write below is guarded so:
 * a FAILED (abandoned) send is never built, and a BUILT one is never abandoned. A BUILT one is
 * built again only once its build is recorded dead, kept in `dead_builds` with why. The database
 * holds the same rules (migrations 20261203020000_wallet_send_abandonment and
 * 20261204020000_wallet_send_rebuild: CHECKs and triggers).
 */
export interface SendRow {
  state: 'RETRY' | 'BUILT' | 'RELAYED' | 'FAILED';
  txHash: string | null;
  txMetadata: string | null;
  fee: bigint | null;
  attempts: number;
  lastError: string | null;
  /** The key images the built transaction spends, comma-separated. */
  keyImages: string | null;
}

/** A transaction built and not relayed: what is stored to relay it, and to tell later whether it still can be mined. */
export interface BuiltTx {
  hash: string;
  metadata: string;
  fee: bigint;
  keyImages: string[];
}

export async function readSend(deps: WalletDeps, withdrawalId: bigint): Promise<SendRow | undefined> {
  const [send] = (await deps.pool.query(
    `SELECT state, tx_hash AS txHash, tx_metadata AS txMetadata, fee, attempts, last_error AS lastError, key_images AS keyImages
       FROM wallet_sends WHERE withdrawal_id = ?`,
    [withdrawalId],
  )) as SendRow[];
  return send;
}

// MariaDB applies the assignments of ON DUPLICATE KEY UPDATE in order: `state` comes last, so the
// conditions before it see the state the row had.

/** Stores a built (not relayed) transaction, unless the row has moved on; answers the row as it now is. */
export async function storeBuilt(deps: WalletDeps, withdrawalId: bigint, tx: BuiltTx) {
  await deps.pool.query(
    `INSERT INTO wallet_sends (withdrawal_id, state, tx_hash, tx_metadata, fee, key_images, attempts) VALUES (?, 'BUILT', ?, ?, ?, ?, 1)
     ON DUPLICATE KEY UPDATE tx_hash = IF(state = 'RETRY', VALUES(tx_hash), tx_hash),
       tx_metadata = IF(state = 'RETRY', VALUES(tx_metadata), tx_metadata), fee = IF(state = 'RETRY', VALUES(fee), fee),
       key_images = IF(state = 'RETRY', VALUES(key_images), key_images),
       next_attempt_at = IF(state = 'RETRY', NULL, next_attempt_at), attempts = attempts + 1, updated_at = NOW(3),
       state = IF(state = 'RETRY', 'BUILT', state)`,
    [withdrawalId, tx.hash, tx.metadata, tx.fee, tx.keyImages.join(',') || null],
  );
  return (await readSend(deps, withdrawalId))!;
}

/**
 * Replaces a build that can never be mined by a new one, only while the row still holds that dead
 * build unrelayed: the dead one's hash and why go to `dead_builds` (kept, only added to), its
 * metadata (the only way to relay it) is overwritten. Answers the row as it now is.
 */
export async function storeRebuilt(deps: WalletDeps, withdrawalId: bigint, deadHash: string, why: string, tx: BuiltTx) {
  // A single-table UPDATE assigns left to right: dead_builds reads tx_hash before it is replaced.
  await deps.pool.query(
    `UPDATE wallet_sends SET dead_builds = CONCAT(COALESCE(dead_builds, ''), tx_hash, ' ', ?, '\n'), tx_hash = ?, tx_metadata = ?,
       fee = ?, key_images = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = NULL, updated_at = NOW(3)
     WHERE withdrawal_id = ? AND state = 'BUILT' AND tx_hash = ?`,
    [
      why,
      tx.hash,
      tx.metadata,
      tx.fee,
      tx.keyImages.join(',') || null,
      `rebuilt: ${deadHash} ${why}`.slice(0, 255),
      withdrawalId,
      deadHash,
    ],
  );
  return (await readSend(deps, withdrawalId))!;
}

/** Records that this withdrawal will never be sent, unless a transaction was built meanwhile; answers the row. */
export async function storeAbandoned(deps: WalletDeps, withdrawalId: bigint, reason: string) {
  await deps.pool.query(
    `INSERT INTO wallet_sends (withdrawal_id, state, attempts, last_error) VALUES (?, 'FAILED', 1, ?)
     ON DUPLICATE KEY UPDATE last_error = IF(state = 'RETRY', VALUES(last_error), last_error), updated_at = NOW(3),
       state = IF(state = 'RETRY', 'FAILED', state)`,
    [withdrawalId, reason.slice(0, 255)],
  );
  return (await readSend(deps, withdrawalId))!;
}

export async function storeRelayed(deps: WalletDeps, withdrawalId: bigint) {
  await deps.pool.query(
    "UPDATE wallet_sends SET state = 'RELAYED', tx_metadata = NULL, updated_at = NOW(3) WHERE withdrawal_id = ? AND state = 'BUILT'",
    [withdrawalId],
  );
}

/** Postpones a send (the state stays what it was: no row becomes RETRY, a BUILT row stays BUILT). */
export async function storeRetry(deps: WalletDeps, withdrawalId: bigint, message: string) {
  await deps.pool.query(
    `INSERT INTO wallet_sends (withdrawal_id, state, attempts, last_error, next_attempt_at) VALUES (?, 'RETRY', 1, ?, NOW(3) + INTERVAL ? SECOND)
     ON DUPLICATE KEY UPDATE attempts = attempts + 1, last_error = VALUES(last_error),
       next_attempt_at = NOW(3) + INTERVAL LEAST(? * POW(2, LEAST(attempts, 6)), 3600) SECOND, updated_at = NOW(3)`,
    [withdrawalId, message, deps.config.WITHDRAWAL_RETRY_SECONDS, deps.config.WITHDRAWAL_RETRY_SECONDS],
  );
}

/**
 * Withdrawals whose send was postponed and whose time has come (an abandoned send is never built
 * again), and sends that are over (relayed, or abandoned) while the ledger still waits for their
 * result: a report that could not be published (RabbitMQ away) is published again, or nothing
 * would ever settle the withdrawal. The ledger applies each report once.
 */
export async function dueRetries(deps: WalletDeps): Promise<bigint[]> {
  const rows = (await deps.pool.query(
    `SELECT s.withdrawal_id AS id FROM wallet_sends s JOIN withdrawals w ON w.id = s.withdrawal_id
      WHERE (s.state IN ('RETRY', 'BUILT') AND (s.next_attempt_at IS NULL OR s.next_attempt_at <= NOW(3)))
         OR (s.state IN ('RELAYED', 'FAILED') AND w.state IN ('PENDING', 'SENDING') AND s.updated_at <= NOW(3) - INTERVAL ? SECOND)
      ORDER BY s.withdrawal_id LIMIT 20`,
    [deps.config.WITHDRAWAL_RETRY_SECONDS],
  )) as { id: bigint }[];
  return rows.map((r) => r.id);
}
