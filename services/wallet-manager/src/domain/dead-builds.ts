import type { WalletDeps } from '../deps.ts';
import { daemonHeight, daemonRpcOf, daemonTransactions, keyImageSpentStatuses } from '../monero/daemon.ts';
import type { SendRow } from './send-rows.ts';

// get_transactions takes this many hashes per call.
const BATCH = 50;
const SPENT_IN_A_BLOCK = 1;

/**
 * Why a built transaction that could not be relayed can never be mined, or undefined while it
 * still might be (then it is only ever relayed again): one of its inputs is spent, in a block, by
 * another transaction at least WITHDRAWAL_REBUILD_DEPTH blocks deep. Only this wallet holds the keys
 * of its outputs, so that spender is one of the wallet's own confirmed sends; where it is, and what
 * it spends, is read from the daemon, never from the wallet's memory. A send built before key
 * images were kept is never judged dead.
 */
export async function whyNeverMined(deps: WalletDeps, send: SendRow): Promise<string | undefined> {
  const keyImages = send.keyImages?.split(',').filter(Boolean) ?? [];
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
