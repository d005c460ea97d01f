import type { WalletDeps } from '../deps.ts';
import { daemonHeight, daemonPool, daemonRpcOf, daemonTransactions, keyImageSpentStatuses, relayPoolTxs } from '../monero/daemon.ts';
import type { SendRow } from './send-rows.ts';

// get_transactions takes this many hashes per call.
const BATCH = 50;
const SPENT_IN_A_BLOCK = 1;
const SPENT_IN_THE_POOL = 2;

/**
 * Why a built transaction that could not be relayed can never be mined, or undefined while it
 * still might be (then it is only ever relayed again): one of its inputs is spent, in a block, by
 * another transaction at least WITHDRAWAL_REBUILD_DEPTH blocks deep. Only this wallet holds the keys
 * of its outputs, so that spender is one of the wallet's own confirmed sends; where it is, and what
 * it spends, is read from the daemon, never from the wallet's memory. A send built before key
 * images were kept is never judged dead.
 */
export async function whyNeverMined(deps: WalletDeps, send: SendRow): Promise<string | undefined> {
  const keyImages = keyImagesOf(send);
  if (keyImages.length === 0 || !send.txHash) return undefined;
  const daemon = daemonRpcOf(deps.config);
  // The daemon holding it (pool or chain) means it did leave.
  if ((await daemonTransactions(daemon, [send.txHash])).length > 0) return undefined;
  const statuses = await keyImageSpentStatuses(daemon, keyImages);
  const spentInABlock = new Set(keyImages.filter((_, i) => statuses[i] === SPENT_IN_A_BLOCK));
  if (spentInABlock.size === 0) return undefined;
  const height = await daemonHeight(daemon);
  const deepEnough = height - deps.config.WITHDRAWAL_REBUILD_DEPTH;
  const sends = (await deps.wallet.getTxs({ isOutgoing: true, isConfirmed: true }))
    .filter((tx) => tx.getHash() !== send.txHash)
    .sort((a, b) => (b.getHeight() ?? 0) - (a.getHeight() ?? 0))
    .map((tx) => tx.getHash());
  for (let from = 0; from < sends.length; from += BATCH) {
    for (const tx of await daemonTransactions(daemon, sends.slice(from, from + BATCH))) {
      const spent = tx.keyImages.find((keyImage) => spentInABlock.has(keyImage));
      if (!spent || tx.blockHeight === undefined || tx.blockHeight > deepEnough) continue;
      return `never mined: input ${spent.slice(0, 16)} spent by ${tx.hash} in block ${tx.blockHeight}, ${height - tx.blockHeight} deep`;
    }
  }
  return undefined;
}

/**
 * The wallet's own sends that spend an input of `send` and that the daemon holds in its pool without
 * ever relaying them (a daemon killed just after a relay comes back so: its pool keeps the
 * transaction, `relayed: false`, and never broadcasts nor mines it, while a restarted wallet-rpc
 * builds on the same inputs again). The daemon is asked to relay them: each is the very transaction
 * already signed, stored and reported for one of the wallet's withdrawals (its hash is the tx_hash of
 * a wallet_sends row), so it cannot send twice; a transaction of no row of ours is never relayed.
 * Once mined, the stuck build is judged dead by whyNeverMined. Answers the hashes relayed.
 */
export async function relayOwnUnrelayedSpenders(deps: WalletDeps, send: SendRow): Promise<string[]> {
  const keyImages = keyImagesOf(send);
  if (keyImages.length === 0) return [];
  const daemon = daemonRpcOf(deps.config);
  const statuses = await keyImageSpentStatuses(daemon, keyImages);
  const spentInThePool = new Set(keyImages.filter((_, i) => statuses[i] === SPENT_IN_THE_POOL));
  if (spentInThePool.size === 0) return [];
  const unrelayed = (await daemonPool(daemon))
    .filter((tx) => !tx.relayed && tx.keyImages.some((keyImage) => spentInThePool.has(keyImage)))
    .map((tx) => tx.hash);
  if (unrelayed.length === 0) return [];
  const ours = (
    (await deps.pool.query(
      `SELECT tx_hash AS txHash FROM wallet_sends WHERE tx_hash IN (${unrelayed.map(() => '?').join(', ')})`,
      unrelayed,
    )) as {
      txHash: string;
    }[]
  ).map((row) => row.txHash);
  if (ours.length > 0) await relayPoolTxs(daemon, ours);
  return ours;
}

function keyImagesOf(send: SendRow): string[] {
  return send.keyImages?.split(',').filter(Boolean) ?? [];
}
