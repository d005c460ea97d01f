import type { WalletDeps } from './deps.ts';
import { scanDeposits } from './domain/deposits.ts';
import { tryNamedLock } from './domain/named-lock.ts';
import { dueRetries, sendWithdrawal } from './domain/sends.ts';
import { daemonRpcOf, generateBlocks } from './monero/daemon.ts';

/**
 * A job run every `seconds`, never twice at once in this process; failures are logged and retried
 * next time. A tick that comes while a pass still runs is skipped: queued behind it, slow passes
 * (a wallet-rpc or database away) would pile up without end, and a stop would wait for them all.
 */
function every(deps: WalletDeps, name: string, seconds: number, job: () => Promise<unknown>) {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= job()
      .catch((err) => deps.logger.warn({ err, job: name }, 'job failed'))
      .finally(() => {
        running = undefined;
      });
  }, seconds * 1000);
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/** The background work: the deposit watcher, postponed sends, and on regtest a miner. */
export function startJobs(deps: WalletDeps) {
  const stops = [
    // One watcher pass at a time across replicas; crediting is keyed anyway.
    every(deps, 'deposit-watcher', deps.config.SWEEP_INTERVAL_SECONDS, () =>
      tryNamedLock(deps.pool, 'pupero_deposit_scan', () => scanDeposits(deps), 0),
    ),
    every(deps, 'send-retries', Math.min(5, deps.config.WITHDRAWAL_RETRY_SECONDS), async () => {
      for (const id of await dueRetries(deps)) await sendWithdrawal(deps, id);
    }),
  ];
  if (deps.config.REGTEST_MINER) {
    stops.push(
      every(deps, 'regtest-miner', deps.config.REGTEST_MINER_INTERVAL_SECONDS, async () =>
        generateBlocks(daemonRpcOf(deps.config), 1, await deps.wallet.getPrimaryAddress()),
      ),
    );
  }
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}
