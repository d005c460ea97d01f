import { type DaemonRpc, daemonHeight } from './daemon.ts';
import type { Wallet } from './wallet.ts';

/**
 * Regtest only (the launcher calls it; nothing calls it on a real network): rescans a wallet that
 * cannot follow its daemon's chain. That is a wallet ahead of the daemon (the daemon lost blocks),
 * or one still behind after a refresh: wallet2 silently refuses a reorganisation deeper than 100
 * blocks, which is what a daemon that lost blocks and mined new ones looks like. `rescan_blockchain`
 * forgets the wallet's view of the chain and reads it again from the daemon.
 *
 * Returns what was wrong, or undefined when the wallet was in step.
 */
export async function repairWalletAgainstChain(
  wallet: Wallet,
  daemon: DaemonRpc,
  say: (message: string) => void,
  label = 'wallet',
): Promise<string | undefined> {
  const problem = await walletOffChain(wallet, daemon);
  if (!problem) return undefined;
  say(`${label}: ${problem}; rescanning it against the daemon's chain (rescan_blockchain)`);
  await wallet.rescanBlockchain();
  await wallet.save();
  say(`${label}: rescanned, wallet height ${await wallet.getHeight()}, daemon height ${await daemonHeight(daemon)}`);
  return problem;
}

async function walletOffChain(wallet: Wallet, daemon: DaemonRpc): Promise<string | undefined> {
  const [before, daemonBefore] = [await wallet.getHeight(), await daemonHeight(daemon)];
  if (before > daemonBefore) return `wallet height ${before} is ahead of the daemon's ${daemonBefore} (the daemon lost blocks)`;
  // A block mined between the two reads leaves the wallet one behind: only more than that counts.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    await wallet.sync();
    const [after, daemonAfter] = [await wallet.getHeight(), await daemonHeight(daemon)];
    if (daemonAfter - after <= 1) return undefined;
    if (attempt === 1)
      return `wallet height ${after} stays behind the daemon's ${daemonAfter} after a refresh (a reorganisation deeper than the wallet accepts)`;
  }
  return undefined;
}
