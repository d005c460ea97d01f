import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { daemonJsonRpc, stopDaemon } from '../monero/daemon.ts';
import { postWithDigest } from '../monero/digest-http.ts';
import { type PidFile, removePidFile, spawnLeashed, stopGracefully, writePidFile } from './processes.ts';

/**
 * Starts a real `monerod --regtest` and `monero-wallet-rpc` (Debian's `monero` package) as child
 * processes, for the local stack and the tests. Both stop cleanly with `stop()` (the wallet stored,
 * the daemon's database closed), and with SIGTERM when their parent dies (processes.ts).
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

const lastLines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n') : '');

async function waitUntil(label: string, probe: () => Promise<unknown>, child: ChildProcess, logFile: string, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode}; the end of ${logFile}:\n${lastLines(logFile)}`);
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
  pidFile?: PidFile;
}): Promise<RegtestDaemon> {
  mkdirSync(options.dataDir, { recursive: true });
  const logFile = options.logFile ?? `${options.dataDir}/monerod.log`;
  // Regtest deletes its database at every start unless told to keep it (--keep-fakechain), and
  // `safe:sync` commits each block to disk before it counts, so a `kill -9` loses none.
  const child = spawnLeashed('monerod', [
    '--regtest',
    '--keep-fakechain',
    '--db-sync-mode',
    'safe:sync',
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
    logFile,
  ]);
  if (options.pidFile && child.pid) writePidFile(options.pidFile, { pid: child.pid, marker: options.dataDir, stage: 3 });
  const url = `http://127.0.0.1:${options.rpcPort}`;
  const stop = async () => {
    await stopGracefully(child, () => stopDaemon(url), 60);
    removePidFile(options.pidFile);
  };
  try {
    await waitUntil('monerod', () => daemonJsonRpc(url, 'get_info'), child, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, rpcPort: options.rpcPort, process: child, stop };
}

/** wallet-rpc's own JSON-RPC behind its digest login: `store`, `stop_wallet`. */
async function walletRpcCall(url: string, login: string, method: string) {
  const [username = '', password = ''] = login.split(/:(.*)/s);
  const answer = await postWithDigest(
    new URL('/json_rpc', url),
    JSON.stringify({ jsonrpc: '2.0', id: '0', method }),
    { username, password },
    30_000,
  );
  const body = JSON.parse(answer.body) as { error?: { message: string } };
  if (body.error) throw new Error(`wallet-rpc ${method}: ${body.error.message}`);
}

export async function startWalletRpc(options: {
  daemonUrl: string;
  rpcPort: number;
  walletDir: string;
  login: string;
  pidFile?: PidFile;
}): Promise<WalletRpcProcess> {
  mkdirSync(options.walletDir, { recursive: true });
  const daemon = new URL(options.daemonUrl);
  const logFile = `${options.walletDir}/wallet-rpc.log`;
  const child = spawnLeashed('monero-wallet-rpc', [
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
    logFile,
  ]);
  if (options.pidFile && child.pid) writePidFile(options.pidFile, { pid: child.pid, marker: options.walletDir, stage: 2 });
  const url = `http://127.0.0.1:${options.rpcPort}`;
  // `stop_wallet` stores the open wallet and exits; with no wallet open it fails, and SIGTERM stops it.
  const stop = async () => {
    await stopGracefully(
      child,
      async () => {
        await walletRpcCall(url, options.login, 'store').catch(() => undefined);
        await walletRpcCall(url, options.login, 'stop_wallet');
      },
      30,
    );
    removePidFile(options.pidFile);
  };
  try {
    // Any HTTP answer (401 without credentials) means it listens.
    await waitUntil('monero-wallet-rpc', () => fetch(`${url}/json_rpc`, { method: 'POST', body: '{}' }), child, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, rpcPort: options.rpcPort, process: child, stop };
}
