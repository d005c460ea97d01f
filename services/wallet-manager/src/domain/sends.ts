import type { WithdrawalResult } from '@pupero/shared/contracts';
import { AppError } from '@pupero/shared/errors';
import { formatXmr } from '@pupero/shared/money';
import type { WalletDeps } from '../deps.ts';
import { withNamedLock } from './named-lock.ts';

interface WithdrawalRow {
  id: bigint;
  address: string;
  amount: bigint;
  state: string;
}

interface SendRow {
  state: 'RETRY' | 'BUILT' | 'RELAYED' | 'FAILED';
  txHash: string | null;
  txMetadata: string | null;
  fee: bigint | null;
  attempts: number;
  lastError: string | null;
}

export type SendOutcome = 'SENT' | 'FAILED' | 'RETRY' | 'NOTHING_TO_DO';

// monero-wallet-rpc's "not enough money", "not enough unlocked money" and "no connection to the
// daemon": the same withdrawal can succeed later. Anything else is final for this withdrawal.
const TRANSIENT_CODES = new Set([-17, -37, -38]);
const isTransient = (error: unknown) =>
  TRANSIENT_CODES.has((error as { getCode?: () => number }).getCode?.() ?? 0) || /ECONNREFUSED|timeout|socket/i.test(String(error));

/**
 * Sends one withdrawal, at most once, whatever crashes in between. Under the wallet's send lock:
 * a stored tx hash is looked up (and relayed from its stored metadata if it never left); only when
 * nothing was built is a transaction built — without relaying — stored, and then relayed.
 */
export async function sendWithdrawal(deps: WalletDeps, withdrawalId: bigint): Promise<SendOutcome> {
  return withNamedLock(deps.pool, 'pupero_wallet_send', async () => {
    const [withdrawal] = (await deps.pool.query('SELECT id, address, amount, state FROM withdrawals WHERE id = ?', [
      withdrawalId,
    ])) as WithdrawalRow[];
    if (!withdrawal) throw new AppError('NOT_FOUND', `Withdrawal ${withdrawalId} does not exist`);
    const [send] = (await deps.pool.query(
      'SELECT state, tx_hash AS txHash, tx_metadata AS txMetadata, fee, attempts, last_error AS lastError FROM wallet_sends WHERE withdrawal_id = ?',
      [withdrawalId],
    )) as SendRow[];
    if (send?.state === 'RELAYED') return reportSent(deps, withdrawalId, send.txHash!, send.fee!);
    if (send?.state === 'FAILED') return reportFailed(deps, withdrawalId, send.lastError ?? 'failed');
    if (send?.state === 'BUILT') return finishBuilt(deps, withdrawalId, send);
    if (withdrawal.state !== 'PENDING' && withdrawal.state !== 'SENDING') return 'NOTHING_TO_DO';
    return buildAndRelay(deps, withdrawal);
  });
}

async function buildAndRelay(deps: WalletDeps, withdrawal: WithdrawalRow): Promise<SendOutcome> {
  if (!(await deps.isValidAddress(withdrawal.address))) return fail(deps, withdrawal.id, 'the address is not valid on this network');
  let tx: Awaited<ReturnType<WalletDeps['wallet']['createTx']>>;
  try {
    tx = await deps.wallet.createTx({ accountIndex: 0, address: withdrawal.address, amount: withdrawal.amount, relay: false });
  } catch (error) {
    if (isTransient(error)) return retryLater(deps, withdrawal.id, error);
    return fail(deps, withdrawal.id, (error as Error).message);
  }
  const send = {
    state: 'BUILT' as const,
    txHash: tx.getHash(),
    txMetadata: tx.getMetadata()!,
    fee: tx.getFee(),
    attempts: 0,
    lastError: null,
  };
  await deps.pool.query(
    `INSERT INTO wallet_sends (withdrawal_id, state, tx_hash, tx_metadata, fee, attempts) VALUES (?, 'BUILT', ?, ?, ?, 1)
     ON DUPLICATE KEY UPDATE state = 'BUILT', tx_hash = VALUES(tx_hash), tx_metadata = VALUES(tx_metadata), fee = VALUES(fee), attempts = attempts + 1, updated_at = NOW(3)`,
    [withdrawal.id, send.txHash, send.txMetadata, send.fee],
  );
  await publishResult(deps, { type: 'withdrawal.result', status: 'SENDING', withdrawalId: String(withdrawal.id), txHash: send.txHash });
  crashPoint(deps, 'after-build');
  return finishBuilt(deps, withdrawal.id, send);
}

/** A built transaction: if the network knows it, it went out; otherwise relay the stored one. */
async function finishBuilt(deps: WalletDeps, withdrawalId: bigint, send: SendRow): Promise<SendOutcome> {
  // A restarted wallet-rpc may not have seen its own relayed transaction yet: refresh (pool included) first.
  await deps.wallet.sync();
  const known = await deps.wallet.getTx(send.txHash!);
  if (!known || known.getIsFailed()) {
    try {
      await deps.wallet.relayTx(send.txMetadata!);
    } catch (error) {
      // Ambiguous (it may have left): the next attempt looks the hash up again before anything else.
      return retryLater(deps, withdrawalId, error);
    }
  }
  crashPoint(deps, 'after-relay');
  await deps.pool.query("UPDATE wallet_sends SET state = 'RELAYED', tx_metadata = NULL, updated_at = NOW(3) WHERE withdrawal_id = ?", [
    withdrawalId,
  ]);
  return reportSent(deps, withdrawalId, send.txHash!, send.fee!);
}

async function retryLater(deps: WalletDeps, withdrawalId: bigint, error: unknown): Promise<SendOutcome> {
  const message = String((error as Error).message ?? error).slice(0, 255);
  deps.logger.warn({ withdrawalId: String(withdrawalId), err: message }, 'withdrawal send postponed');
  await deps.pool.query(
    `INSERT INTO wallet_sends (withdrawal_id, state, attempts, last_error, next_attempt_at) VALUES (?, 'RETRY', 1, ?, NOW(3) + INTERVAL ? SECOND)
     ON DUPLICATE KEY UPDATE attempts = attempts + 1, last_error = VALUES(last_error),
       next_attempt_at = NOW(3) + INTERVAL LEAST(? * POW(2, LEAST(attempts, 6)), 3600) SECOND, updated_at = NOW(3)`,
    [withdrawalId, message, deps.config.WITHDRAWAL_RETRY_SECONDS, deps.config.WITHDRAWAL_RETRY_SECONDS],
  );
  return 'RETRY';
}

async function fail(deps: WalletDeps, withdrawalId: bigint, reason: string): Promise<SendOutcome> {
  const message = reason.slice(0, 255);
  await deps.pool.query(
    `INSERT INTO wallet_sends (withdrawal_id, state, attempts, last_error) VALUES (?, 'FAILED', 1, ?)
     ON DUPLICATE KEY UPDATE state = 'FAILED', last_error = VALUES(last_error), updated_at = NOW(3)`,
    [withdrawalId, message],
  );
  return reportFailed(deps, withdrawalId, message);
}

async function reportSent(deps: WalletDeps, withdrawalId: bigint, txHash: string, fee: bigint): Promise<SendOutcome> {
  await publishResult(deps, {
    type: 'withdrawal.result',
    status: 'SENT',
    withdrawalId: String(withdrawalId),
    txHash,
    networkFee: formatXmr(fee),
  });
  return 'SENT';
}

async function reportFailed(deps: WalletDeps, withdrawalId: bigint, reason: string): Promise<SendOutcome> {
  await publishResult(deps, { type: 'withdrawal.result', status: 'FAILED', withdrawalId: String(withdrawalId), reason });
  return 'FAILED';
}

function publishResult(deps: WalletDeps, result: WithdrawalResult) {
  return deps.broker.publishJson(deps.config.RABBITMQ_RESULTS_QUEUE, result, { messageId: `${result.withdrawalId}:${result.status}` });
}

/** Regtest-only fault injection for the crash tests (config refuses CRASH_AT elsewhere). */
function crashPoint(deps: WalletDeps, point: 'after-build' | 'after-relay') {
  if (deps.config.CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}

/** Withdrawals whose send was postponed and whose time has come. */
export async function dueRetries(deps: WalletDeps): Promise<bigint[]> {
  const rows = (await deps.pool.query(
    "SELECT withdrawal_id AS id FROM wallet_sends WHERE state IN ('RETRY', 'BUILT') AND (next_attempt_at IS NULL OR next_attempt_at <= NOW(3)) ORDER BY withdrawal_id LIMIT 20",
  )) as { id: bigint }[];
  return rows.map((r) => r.id);
}
