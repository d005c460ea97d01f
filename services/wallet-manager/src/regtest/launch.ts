import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { daemonJsonRpc } from '../monero/daemon.ts';

/**
 * Starts a real `monerod --regtest` and `monero-wallet-rpc` (Debian's `monero` package) as child
 * processes, for the local stack and the tests. Both stop with `stop()` (or with their parent).
 */
export interface RegtestDaemon {
  url: string;
  rpcPort: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface WalletRpcProcess {
  url: string;
  rpcPort: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess) {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
}

async function waitUntil(label: string, probe: () => Promise<unknown>, child: ChildProcess, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode}`);
    try {
      await probe();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${label} did not answer within ${seconds} s: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export async function startRegtestDaemon(options: {
  dataDir: string;
  rpcPort: number;
  p2pPort: number;
  logFile?: string;
}): Promise<RegtestDaemon> {
  mkdirSync(options.dataDir, { recursive: true });
  const child = spawn(
    'monerod',
    [
      '--regtest',
      '--offline',
      '--fixed-difficulty',
      '1',
      '--data-dir',
      options.dataDir,
      '--rpc-bind-ip',
      '127.0.0.1',
      '--rpc-bind-port',
      String(options.rpcPort),
      '--p2p-bind-ip',
      '127.0.0.1',
      '--p2p-bind-port',
      String(options.p2pPort),
      '--no-zmq',
      '--no-igd',
      '--disable-dns-checkpoints',
      '--non-interactive',
      '--log-file',
      options.logFile ?? `${options.dataDir}/monerod.log`,
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${options.rpcPort}`;
  await waitUntil('monerod', () => daemonJsonRpc(url, 'get_info'), child);
  return { url, rpcPort: options.rpcPort, process: child, stop: stopper(child) };
}

export async function startWalletRpc(options: {
  daemonUrl: string;
  rpcPort: number;
  walletDir: string;
  login: string;
}): Promise<WalletRpcProcess> {
  mkdirSync(options.walletDir, { recursive: true });
  const daemon = new URL(options.daemonUrl);
  const child = spawn(
    'monero-wallet-rpc',
    [
      '--daemon-address',
      daemon.host,
      '--trusted-daemon',
      '--wallet-dir',
      options.walletDir,
      '--rpc-bind-ip',
      '127.0.0.1',
      '--rpc-bind-port',
      String(options.rpcPort),
      '--rpc-login',
      options.login,
      '--non-interactive',
      '--log-file',
      `${options.walletDir}/wallet-rpc.log`,
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${options.rpcPort}`;
  // Any HTTP answer (401 without credentials) means it listens.
  await waitUntil('monero-wallet-rpc', () => fetch(`${url}/json_rpc`, { method: 'POST', body: '{}' }), child);
  return { url, rpcPort: options.rpcPort, process: child, stop: stopper(child) };
}
