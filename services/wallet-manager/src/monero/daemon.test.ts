// monerod behind `--rpc-login`, as Compose runs it: a real `monerod --regtest` with a full RPC port
// and a restricted one (`--rpc-restricted-bind-port`, what `--restricted-rpc` serves), both behind
// the same digest login, and a real monero-wallet-rpc that reaches the restricted port with
// `--daemon-login`.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '@pupero/shared/testing';
import { type DaemonRpc, daemonHeight, daemonJsonRpc, daemonRpcOf, generateBlocks, popBlocks } from './daemon.ts';
import { postWithDigest } from './digest-http.ts';

const USER = 'pupero';
const PASSWORD = 'daemon-test-password';

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitFor(what: string, child: ChildProcess, probe: () => Promise<unknown>) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    assert.equal(child.exitCode, null, `${what} exited`);
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what} did not answer: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** A JSON-RPC call to monero-wallet-rpc, which wants the same digest login. */
async function walletRpc<T>(url: string, method: string, params: object = {}): Promise<T> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: '0', method, params });
  const answer = await postWithDigest(new URL('/json_rpc', url), body, { username: USER, password: PASSWORD }, 120_000);
  const parsed = JSON.parse(answer.body) as { result?: T; error?: { message: string } };
  if (parsed.error || parsed.result === undefined) throw new Error(`wallet-rpc ${method}: ${parsed.error?.message ?? answer.status}`);
  return parsed.result;
}

describe('monerod behind --rpc-login (digest auth bound to the connection)', () => {
  let dir: string;
  let monerod: ChildProcess;
  let walletRpcProcess: ChildProcess | undefined;
  let full: DaemonRpc;
  let restricted: DaemonRpc;
  let fullUrl: string;
  let restrictedUrl: string;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pupero-daemon-login-'));
    const [rpcPort, restrictedPort, p2pPort] = [await freePort(), await freePort(), await freePort()];
    monerod = spawn(
      'monerod',
      [
        ...['--regtest', '--offline', '--fixed-difficulty', '1', '--data-dir', path.join(dir, 'daemon')],
        ...['--rpc-bind-ip', '127.0.0.1', '--rpc-bind-port', String(rpcPort)],
        ...['--rpc-restricted-bind-ip', '127.0.0.1', '--rpc-restricted-bind-port', String(restrictedPort)],
        ...['--rpc-login', `${USER}:${PASSWORD}`],
        ...['--p2p-bind-ip', '127.0.0.1', '--p2p-bind-port', String(p2pPort)],
        ...['--no-zmq', '--no-igd', '--disable-dns-checkpoints', '--non-interactive', '--log-file', path.join(dir, 'monerod.log')],
      ],
      { stdio: 'ignore' },
    );
    fullUrl = `http://127.0.0.1:${rpcPort}`;
    restrictedUrl = `http://127.0.0.1:${restrictedPort}`;
    full = daemonRpcOf({ MONEROD_RPC_URL: fullUrl, MONEROD_RPC_USER: USER, MONEROD_RPC_PASSWORD: PASSWORD });
    restricted = { url: restrictedUrl, username: USER, password: PASSWORD };
    await waitFor('monerod', monerod, () => Promise.all([daemonHeight(full), daemonHeight(restricted)]));
  });

  after(async () => {
    await stop(walletRpcProcess);
    await stop(monerod);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a caller without the login, or with a wrong password', async () => {
    await assert.rejects(daemonHeight(fullUrl), /HTTP 401/);
    await assert.rejects(daemonHeight(restrictedUrl), /HTTP 401/);
    await assert.rejects(daemonHeight({ url: fullUrl, username: USER, password: 'wrong' }), /HTTP 401/);
    await assert.rejects(daemonHeight({ url: restrictedUrl, username: 'someone', password: PASSWORD }), /HTTP 401/);
  });

  it('answers with the login, call after call and several at once', async () => {
    const heights = await Promise.all(Array.from({ length: 8 }, () => daemonHeight(full)));
    assert.equal(new Set(heights).size, 1);
    for (let i = 0; i < 5; i += 1) assert.equal(await daemonHeight(restricted), heights[0]);
  });

  it('mines and rewinds through the full RPC; the restricted RPC refuses both', async () => {
    const address = '42ey1afDFnn4886T7196doS9GPMzexD9gXpsZJDwVjeRVdFCSoHnv7KPbBeGpzJBzHRCAs9UxqeoyFQMYbqSWYTfJJQAWDm';
    const start = await daemonHeight(full);
    const mined = await generateBlocks(full, 3, address);
    assert.equal(mined, start + 3 - 1, 'generateblocks answers the height of its last block');
    assert.equal(await daemonHeight(full), start + 3);
    await popBlocks(full, 2);
    assert.equal(await daemonHeight(restricted), start + 1);

    // What Compose's production layout runs: `--restricted-rpc` has no mining and no rewinding.
    await assert.rejects(generateBlocks(restricted, 1, address), /Method not found/);
    await assert.rejects(popBlocks(restricted, 1), /pop_blocks/);
    const info = await daemonJsonRpc<{ restricted: boolean }>(restricted, 'get_info');
    assert.equal(info.restricted, true);
    assert.equal((await daemonJsonRpc<{ restricted: boolean }>(full, 'get_info')).restricted, false);
  });

  it('serves a wallet (monero-wallet-rpc --daemon-login) through the restricted RPC: sync and a relayed transfer', async () => {
    const walletPort = await freePort();
    walletRpcProcess = spawn(
      'monero-wallet-rpc',
      [
        ...['--daemon-address', new URL(restrictedUrl).host, '--daemon-login', `${USER}:${PASSWORD}`, '--trusted-daemon'],
        ...['--wallet-dir', path.join(dir, 'wallets'), '--rpc-bind-ip', '127.0.0.1', '--rpc-bind-port', String(walletPort)],
        ...['--rpc-login', `${USER}:${PASSWORD}`, '--non-interactive', '--log-file', path.join(dir, 'wallet-rpc.log')],
      ],
      { stdio: 'ignore' },
    );
    const walletUrl = `http://127.0.0.1:${walletPort}`;
    await waitFor('monero-wallet-rpc', walletRpcProcess, () => walletRpc(walletUrl, 'get_version'));
    await walletRpc(walletUrl, 'create_wallet', { filename: 'w', password: 'w', language: 'English' });
    const { address } = await walletRpc<{ address: string }>(walletUrl, 'get_address', { account_index: 0 });
    // Coinbase unlocks after 60 blocks; a ring of 16 needs as many outputs on the chain.
    await generateBlocks(full, 100, address);
    await walletRpc(walletUrl, 'refresh');
    assert.equal((await walletRpc<{ height: number }>(walletUrl, 'get_height')).height, await daemonHeight(restricted));
    const { address: to } = await walletRpc<{ address: string }>(walletUrl, 'create_address', { account_index: 0 });
    const sent = await walletRpc<{ tx_hash_list: string[] }>(walletUrl, 'transfer_split', {
      destinations: [{ amount: 1_000_000_000_000, address: to }],
    });
    assert.equal(sent.tx_hash_list.length, 1);
    const pool = await postWithDigest(
      new URL('/get_transaction_pool_hashes', restrictedUrl),
      '{}',
      { username: USER, password: PASSWORD },
      10_000,
    );
    assert.deepEqual((JSON.parse(pool.body) as { tx_hashes?: string[] }).tx_hashes, sent.tx_hash_list, 'relayed to the daemon');
  });
});
