/**
 * Whether the platform wallet can see new blocks, judged from heights read at each /healthz call.
 *
 * - A wallet ahead of its daemon follows a chain the daemon no longer has: the daemon lost blocks
 *   (an unclean stop, replaced data) or is another chain. wallet2 refuses to follow a reorganisation
 *   deeper than 100 blocks, so such a wallet can stay blind to new deposits for good.
 * - A wallet whose height stands still while the daemon is well ahead cannot follow the daemon
 *   (the same refusal once the daemon has passed the wallet's height, or a refresh that fails).
 * - A daemon whose height stands still while its peers report a higher one is not syncing.
 *
 * A wallet or daemon that is behind but moving is catching up, which is healthy.
 */
export interface ChainReading {
  walletHeight: number;
  daemonHeight: number;
  /** The height the daemon's peers report; 0 without peers (regtest). */
  targetHeight: number;
}

export interface ChainLimits {
  /** How far ahead the daemon (or its peers) may be of a height that does not move. */
  lagBlocks: number;
  /** How long a height may stand still while that far behind. */
  stallSeconds: number;
}

interface Since {
  height: number;
  since: number;
}

/** The last height seen for the wallet and the daemon, and since when it has stood there. */
export interface ChainWatch {
  wallet?: Since;
  daemon?: Since;
}

function observe(previous: Since | undefined, height: number, now: number): Since {
  return previous?.height === height ? previous : { height, since: now };
}

/** Records the reading in `watch` and returns what is wrong, or undefined when the wallet can see new blocks. */
export function chainProblem(reading: ChainReading, watch: ChainWatch, limits: ChainLimits, now: number): string | undefined {
  const { walletHeight: wallet, daemonHeight: daemon, targetHeight: target } = reading;
  watch.wallet = observe(watch.wallet, wallet, now);
  watch.daemon = observe(watch.daemon, daemon, now);
  const stalled = (seen: Since) => Math.floor((now - seen.since) / 1000);
  if (wallet > daemon) {
    return `wallet height ${wallet} is ahead of the daemon's ${daemon}: the daemon lost blocks (an unclean stop or replaced data) or follows another chain, and the wallet sees no new deposits until it is rescanned against the daemon's chain`;
  }
  if (daemon - wallet > limits.lagBlocks && stalled(watch.wallet) >= limits.stallSeconds) {
    return `wallet height ${wallet} has not moved for ${stalled(watch.wallet)} s while the daemon is at ${daemon} (${daemon - wallet} blocks ahead): the wallet cannot follow the daemon's chain (a reorganisation deeper than it accepts, or a failing refresh) and sees no new deposits`;
  }
  if (target - daemon > limits.lagBlocks && stalled(watch.daemon) >= limits.stallSeconds) {
    return `the daemon has stood at height ${daemon} for ${stalled(watch.daemon)} s while its peers report ${target}: it is not syncing, so the wallet sees no new blocks`;
  }
  return undefined;
}
