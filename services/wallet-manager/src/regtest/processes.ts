import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The chain's processes die with the process that started them: `setpriv --pdeathsig TERM` (util-linux)
 * asks the kernel to send SIGTERM, which monerod and wallet-rpc treat as a clean stop, when their
 * parent dies, even by `kill -9`. They run in a process group of their own, so a Ctrl-C reaches only
 * their parent, which stops them in order (wallets stored first, then the daemon). Without setpriv
 * they stay in the parent's group, and the next `npm start` stops leftovers from their pid files.
 */
const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((file) => existsSync(file));

export function spawnLeashed(command: string, args: string[], options: SpawnOptions = { stdio: 'ignore' }): ChildProcess {
  if (!setpriv) return spawn(command, args, options);
  return spawn(setpriv, ['--pdeathsig', 'TERM', '--', command, ...args], { ...options, detached: true });
}

/**
 * Where `npm start` finds what a killed run left behind (scripts/lib/processes.mjs reads these): the
 * pid, a marker its command line must contain (so a reused pid is never killed), and the stage in
 * which it is stopped (services and the launcher first, then wallet-rpcs, then monerod).
 */
export interface PidFile {
  dir: string;
  name: string;
}

export function writePidFile(file: PidFile, entry: { pid: number; marker: string; stage: number }) {
  mkdirSync(file.dir, { recursive: true });
  writeFileSync(path.join(file.dir, `${file.name}.pid`), JSON.stringify({ name: file.name, ...entry }));
}

export function removePidFile(file: PidFile | undefined) {
  if (file) rmSync(path.join(file.dir, `${file.name}.pid`), { force: true });
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

function exitOf(child: ChildProcess, ms: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Stops a child cleanly: `ask` (an RPC that makes it store and exit), or SIGTERM when that fails;
 * SIGTERM after `seconds` without an exit, SIGKILL 10 s later.
 */
export async function stopGracefully(child: ChildProcess, ask: () => Promise<unknown>, seconds: number): Promise<void> {
  if (hasExited(child)) return;
  await ask().catch(() => child.kill('SIGTERM'));
  if (await exitOf(child, seconds * 1000)) return;
  child.kill('SIGTERM');
  if (await exitOf(child, 10_000)) return;
  child.kill('SIGKILL');
  await exitOf(child, 10_000);
}
