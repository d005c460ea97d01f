import { AppError } from '@pupero/shared/errors';
import { formatXmr } from '@pupero/shared/money';
import type { WalletDeps } from '../deps.ts';
import { keyImagesOfTx } from '../monero/tx-inputs.ts';
import { relayOwnUnrelayedSpenders, whyNeverMined } from './dead-builds.ts';
import { withNamedLock } from './named-lock.ts';
import { publishResult, type WithdrawalRow } from './results.ts';
import { type BuiltTx, readSend, type SendRow, storeAbandoned, storeBuilt, storeRebuilt, storeRelayed, storeRetry } from './send-rows.ts';

export { dueRetries } from './send-rows.ts';

export type SendOutcome = 'SENT' | 'FAILED' | 'RETRY' | 'NOTHING_TO_DO';

/** What a signed request asked for: the wallet sends only when the ledger's row says the same. */
export interface RequestedSend {
  address: string;
  amount: bigint;
}

// monero-wallet-rpc's "not enough money", "not enough unlocked money" and "no connection to the
// daemon", and the daemon restarting under it ("failed to get output distribution"): the same
// withdrawal can succeed later. Anything else is final for this withdrawal.
const TRANSIENT_CODES = new Set([-17, -37, -38]);
const isTransient = (error: unknown) =>
  TRANSIENT_CODES.has((error as { getCode?: () => number }).getCode?.() ?? 0) ||
  /ECONNREFUSED|ECONNRESET|timeout|socket|failed to get output distribution/i.test(String(error));

/**
 * Sends one withdrawal, at most once, whatever crashes in between. Under the wallet's send lock:
 * a stored tx hash is looked up (and relayed from its stored metadata if it never left); only when
 * nothing was built is a transaction built — without relaying — stored, and then relayed.
 * FAILED is reported only for a send recorded as abandoned, which is never built afterwards; a
 * send once built is never abandoned (it may have left): it is looked up by its hash instead, and
 * built again only once the chain has made it impossible (see rebuild).
 */
export async function sendWithdrawal(deps: WalletDeps, withdrawalId: bigint, requested?: RequestedSend): Promise<SendOutcome> {
  return withNamedLock(deps.pool, 'pupero_wallet_send', async () => {
    const [withdrawal] = (await deps.pool.query('SELECT id, address, amount, state FROM withdrawals WHERE id = ?', [
      withdrawalId,
    ])) as WithdrawalRow[];
    if (!withdrawal) throw new AppError('NOT_FOUND', `Withdrawal ${withdrawalId} does not exist`);
    if (requested && (requested.address !== withdrawal.address || requested.amount !== withdrawal.amount)) {
      throw new AppError('UNPROCESSABLE', `The request for withdrawal ${withdrawalId} names another address or amount`, {
        reason: 'mismatch',
      });
    }
    return continueSend(deps, withdrawal, await readSend(deps, withdrawalId));
  });
}

function continueSend(deps: WalletDeps, withdrawal: WithdrawalRow, send: SendRow | undefined): Promise<SendOutcome> {
  if (send?.state === 'RELAYED') return reportSent(deps, withdrawal, send);
  if (send?.state === 'FAILED') return reportFailed(deps, withdrawal, send.lastError ?? 'failed');
  if (send?.state === 'BUILT') return finishBuilt(deps, withdrawal, send);
  if (withdrawal.state !== 'PENDING' && withdrawal.state !== 'SENDING') return Promise.resolve('NOTHING_TO_DO');
  return buildAndRelay(deps, withdrawal);
}

async function buildAndRelay(deps: WalletDeps, withdrawal: WithdrawalRow): Promise<SendOutcome> {
  if (!(await deps.isValidAddress(withdrawal.address))) return abandon(deps, withdrawal, 'the address is not valid on this network');
  let tx: BuiltTx;
  try {
    tx = await buildTx(deps, withdrawal);
  } catch (error) {
    if (isTransient(error)) return retryLater(deps, withdrawal.id, error);
    return abandon(deps, withdrawal, (error as Error).message);
  }
  const send = await storeBuilt(deps, withdrawal.id, tx);
  // Another send got the row first (it can only be a lost lock): ours was never relayed; theirs counts.
  if (send.txHash !== tx.hash) return continueSend(deps, withdrawal, send);
  // No hash yet: the ledger binds the withdrawal to a transaction when it is reported SENT, so a
  // build that can never be mined may still be replaced (rebuild).
  await publishResult(deps, withdrawal, { status: 'SENDING' });
  crashPoint(deps, 'after-build');
  return finishBuilt(deps, withdrawal, send);
}

/** Builds the withdrawal's transaction without relaying it (nothing is reserved in the wallet). */
async function buildTx(deps: WalletDeps, withdrawal: WithdrawalRow): Promise<BuiltTx> {
  const tx = await deps.wallet.createTx({ accountIndex: 0, address: withdrawal.address, amount: withdrawal.amount, relay: false });
  let keyImages: string[] = [];
  try {
    keyImages = keyImagesOfTx(tx.getFullHex() ?? '');
  } catch (error) {
    // Still sent; only, should it never be mined, it is never judged dead (it waits for an operator).
    deps.logger.error({ withdrawalId: String(withdrawal.id), err: String(error) }, 'key images of a withdrawal send unreadable');
  }
  return { hash: tx.getHash(), metadata: tx.getMetadata()!, fee: tx.getFee(), keyImages };
}

/** A built transaction: if the network knows it, it went out; otherwise relay the stored one. */
async function finishBuilt(deps: WalletDeps, withdrawal: WithdrawalRow, send: SendRow): Promise<SendOutcome> {
  // A restarted wallet-rpc may not have seen its own relayed transaction yet: refresh (pool included) first.
  await deps.wallet.sync();
  const known = await deps.wallet.getTx(send.txHash!);
  if (!known || known.getIsFailed()) {
    try {
      await deps.wallet.relayTx(send.txMetadata!);
    } catch (error) {
      const why = await whyNeverMined(deps, send).catch(() => undefined);
      if (why) return rebuild(deps, withdrawal, send, why);
      await relayUnrelayedSpenders(deps, withdrawal, send);
      // Ambiguous (it may have left): the next attempt looks the hash up again before anything else.
      return retryLater(deps, withdrawal.id, error);
    }
  }
  crashPoint(deps, 'after-relay');
  await storeRelayed(deps, withdrawal.id);
  return reportSent(deps, withdrawal, send);
}

/**
 * The stored build can never be mined (another transaction spent one of its inputs, deep in the
 * chain): it is recorded dead, with why, and the same withdrawal is built once more and relayed.
 * (Only builds with their key images kept are judged dead: older ones had their hash reported to
 * the ledger with SENDING, and the ledger would refuse another.)
 */
async function rebuild(deps: WalletDeps, withdrawal: WithdrawalRow, dead: SendRow, why: string): Promise<SendOutcome> {
  let tx: BuiltTx;
  try {
    tx = await buildTx(deps, withdrawal);
  } catch (error) {
    return retryLater(deps, withdrawal.id, error);
  }
  const send = await storeRebuilt(deps, withdrawal.id, dead.txHash!, why, tx);
  if (send.txHash !== tx.hash) return continueSend(deps, withdrawal, send);
  deps.logger.warn({ withdrawalId: String(withdrawal.id), dead: dead.txHash, txHash: tx.hash, why }, 'withdrawal send built again');
  return finishBuilt(deps, withdrawal, send);
}

/** One of our own sends the daemon holds unrelayed may block this one's inputs: the daemon is asked to relay it (see dead-builds). */
async function relayUnrelayedSpenders(deps: WalletDeps, withdrawal: WithdrawalRow, send: SendRow) {
  const withdrawalId = String(withdrawal.id);
  try {
    const relayed = await relayOwnUnrelayedSpenders(deps, send);
    if (relayed.length > 0) {
      deps.logger.warn({ withdrawalId, txHash: send.txHash, relayed }, 'own sends held unrelayed by the daemon relayed');
    }
  } catch (error) {
    deps.logger.warn({ withdrawalId, txHash: send.txHash, err: String(error) }, 'own sends held unrelayed by the daemon not relayed');
  }
}

async function retryLater(deps: WalletDeps, withdrawalId: bigint, error: unknown): Promise<SendOutcome> {
  const message = String((error as Error).message ?? error).slice(0, 255);
  deps.logger.warn({ withdrawalId: String(withdrawalId), err: message }, 'withdrawal send postponed');
  await storeRetry(deps, withdrawalId, message);
  return 'RETRY';
}

/** The abandonment is recorded before FAILED is reported: from then on nothing can build this send. */
async function abandon(deps: WalletDeps, withdrawal: WithdrawalRow, reason: string): Promise<SendOutcome> {
  const send = await storeAbandoned(deps, withdrawal.id, reason);
  if (send.state !== 'FAILED') return continueSend(deps, withdrawal, send);
  return reportFailed(deps, withdrawal, send.lastError ?? reason);
}

async function reportSent(deps: WalletDeps, withdrawal: WithdrawalRow, send: SendRow): Promise<SendOutcome> {
  await publishResult(deps, withdrawal, { status: 'SENT', txHash: send.txHash!, networkFee: formatXmr(send.fee!) });
  return 'SENT';
}

async function reportFailed(deps: WalletDeps, withdrawal: WithdrawalRow, reason: string): Promise<SendOutcome> {
  await publishResult(deps, withdrawal, { status: 'FAILED', reason });
  return 'FAILED';
}

/** Regtest-only fault injection for the crash tests (config refuses CRASH_AT elsewhere). */
function crashPoint(deps: WalletDeps, point: 'after-build' | 'after-relay') {
  if (deps.config.CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}
