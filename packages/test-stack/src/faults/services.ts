import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FaultMode, type Supervised, spawnChild, stopChild, until } from './processes.ts';

/** The checkout: services start from their own source, as `npm start` runs them. */
export const root = fileURLToPath(new URL('../../../../', import.meta.url));

export const backEnds = ['login', 'transactions', 'wallet-manager', 'offers', 'gateway'] as const;
export type BackEnd = (typeof backEnds)[number];

export interface ServiceProcess extends Supervised {
  name: BackEnd;
  url: string;
  /** Its /healthz answers 200. */
  healthy(): Promise<boolean>;
}

/**
 * One back-end service as a real child process (`node --import tsx services/<name>/src/server.ts`)
 * with only its own environment: its keys, its database user, its broker user (scripts/start.mjs).
 * SIGTERM runs its own shutdown (serve() closes the app, then its connections).
 */
export function serviceProcess(name: BackEnd, port: number, env: Record<string, string>, logDir: string): ServiceProcess {
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const healthy = async () => {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
    return response?.status === 200;
  };
  return {
    name,
    url,
    healthy,
    async start() {
      child = spawnChild(process.execPath, ['--import', 'tsx', path.join(root, 'services', name, 'src', 'server.ts')], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, HOST: '127.0.0.1' },
        logFile: path.join(logDir, `${name}.log`),
      });
      // Listening is enough here: whether it is healthy is what the run measures.
      await until(name, async () => (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) })).status > 0, 90, child);
    },
    stop: (mode: FaultMode) => stopChild(child, mode, 30),
    shutdown: () => stopChild(child, 'graceful', 30),
  };
}
