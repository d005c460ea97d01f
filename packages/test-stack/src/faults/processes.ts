import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';

/** How a target is stopped: SIGTERM and a wait for its own clean exit, or SIGKILL. */
export type FaultMode = 'graceful' | 'kill';

/**
 * One process the harness supervises: it can be started (and waits until it answers), and stopped
 * either way. Starting again after a stop reuses its ports and data, as Docker's
 * `restart: unless-stopped` would.
 */
export interface Supervised {
  name: string;
  start(): Promise<void>;
  stop(mode: FaultMode): Promise<void>;
  /** Stops it for good at the end of the run (cleanly, whatever it takes). */
  shutdown(): Promise<void>;
}

const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((file) => existsSync(file));

/**
 * A child that dies with the harness (`setpriv --pdeathsig KILL`, which execs, so the child's pid is
 * the program's own), its output appended to `logFile`.
 */
export function spawnChild(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; logFile: string; cwd?: string }) {
  const out = openSync(options.logFile, 'a');
  const [file, argv] = setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, args];
  return spawn(file, argv, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', out, out] });
}

export const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

export function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGTERM (then SIGKILL if it is still there after `seconds`) or SIGKILL at once; resolves once it is gone. */
export async function stopChild(child: ChildProcess | undefined, mode: FaultMode, seconds = 60): Promise<void> {
  if (!child || hasExited(child)) return;
  child.kill(mode === 'kill' ? 'SIGKILL' : 'SIGTERM');
  if (await exited(child, seconds * 1000)) return;
  child.kill('SIGKILL');
  await exited(child, 10_000);
}

/** Polls `probe` until it resolves truthy; throws with `label` and the last error after `seconds`. */
export async function until(label: string, probe: () => Promise<unknown>, seconds: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  let last: unknown;
  for (;;) {
    if (child && hasExited(child)) throw new Error(`${label} exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    try {
      if (await probe()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${label} was not ready within ${seconds} s: ${(last as Error)?.message ?? 'no answer'}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
