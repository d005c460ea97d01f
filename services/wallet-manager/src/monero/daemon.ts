import { postWithDigest } from './digest-http.ts';

/**
 * The few monerod RPC calls the wallet manager makes itself (height, spent key images and
 * transactions, and on regtest: mining and rewinding). The wallet RPC (digest auth too) goes through monero-ts.
 *
 * A daemon is its URL, or its URL with the `--rpc-login` of monerod (digest authentication). In
 * Compose monerod always has a login; the local regtest launcher starts it without one.
 */
export type DaemonRpc = string | { url: string; username?: string; password?: string };

/** The daemon of the wallet manager's configuration: MONEROD_RPC_URL with MONEROD_RPC_USER/PASSWORD. */
export function daemonRpcOf(config: { MONEROD_RPC_URL: string; MONEROD_RPC_USER?: string; MONEROD_RPC_PASSWORD?: string }): DaemonRpc {
  return { url: config.MONEROD_RPC_URL, username: config.MONEROD_RPC_USER, password: config.MONEROD_RPC_PASSWORD };
}

async function daemonPost<T>(daemon: DaemonRpc, path: string, body: object, what: string, timeoutMs = 120_000): Promise<T> {
  const { url, username = '', password = '' } = typeof daemon === 'string' ? { url: daemon } : daemon;
  const answer = await postWithDigest(new URL(path, url), JSON.stringify(body), username ? { username, password } : undefined, timeoutMs);
  try {
    return JSON.parse(answer.body) as T;
  } catch {
    // monerod answers 401 (bad login) and, in restricted mode, unknown paths with no JSON at all.
    throw new Error(`monerod ${what}: HTTP ${answer.status}`);
  }
}

export async function daemonJsonRpc<T>(daemon: DaemonRpc, method: string, params: object = {}, timeoutMs?: number): Promise<T> {
  const body = await daemonPost<{ result?: T; error?: { code: number; message: string } }>(
    daemon,
    '/json_rpc',
    { jsonrpc: '2.0', id: '0', method, params },
    method,
    timeoutMs,
  );
  if (body.error || body.result === undefined) throw new Error(`monerod ${method}: ${body.error?.message ?? 'no result'}`);
  return body.result;
}

export async function daemonHeight(daemon: DaemonRpc): Promise<number> {
  const result = await daemonJsonRpc<{ height?: number; count?: number }>(daemon, 'get_block_count');
  const height = result.height ?? result.count;
  if (height === undefined) throw new Error('monerod get_block_count: no count');
  return height;
}

/** What /healthz needs from the daemon: its height, and the height its peers report (0 without peers). */
export interface DaemonInfo {
  height: number;
  targetHeight: number;
}

export async function daemonInfo(daemon: DaemonRpc, timeoutMs = 5000): Promise<DaemonInfo> {
  const info = await daemonJsonRpc<{ height: number; target_height?: number }>(daemon, 'get_info', {}, timeoutMs);
  return { height: info.height, targetHeight: info.target_height ?? 0 };
}

/** Per key image: 0 unspent, 1 spent in a block, 2 spent in the pool (a restricted daemon does not tell the pool). */
export async function keyImageSpentStatuses(daemon: DaemonRpc, keyImages: string[]): Promise<number[]> {
  const body = await daemonPost<{ status?: string; spent_status?: number[] }>(
    daemon,
    '/is_key_image_spent',
    { key_images: keyImages },
    'is_key_image_spent',
  );
  if (body.status !== 'OK' || body.spent_status?.length !== keyImages.length) {
    throw new Error(`monerod is_key_image_spent: ${body.status ?? 'no status'}`);
  }
  return body.spent_status;
}

/** Where the daemon holds a transaction (a block, or its pool), and the key images it spends. */
export interface DaemonTx {
  hash: string;
  inPool: boolean;
  blockHeight: number | undefined;
  keyImages: string[];
}

/** The transactions the daemon knows among `hashes` (those it does not know are left out). */
export async function daemonTransactions(daemon: DaemonRpc, hashes: string[]): Promise<DaemonTx[]> {
  const body = await daemonPost<{
    status?: string;
    txs?: { tx_hash: string; in_pool: boolean; block_height?: number; as_json: string }[];
  }>(daemon, '/get_transactions', { txs_hashes: hashes, decode_as_json: true }, 'get_transactions');
  if (body.status !== 'OK') throw new Error(`monerod get_transactions: ${body.status ?? 'no status'}`);
  return (body.txs ?? []).map((tx) => ({
    hash: tx.tx_hash,
    inPool: tx.in_pool,
    blockHeight: tx.in_pool ? undefined : tx.block_height,
    keyImages: keyImagesOfJson(tx.as_json),
  }));
}

/** The key images a transaction decoded as JSON by the daemon spends. */
function keyImagesOfJson(json: string): string[] {
  const decoded = JSON.parse(json) as { vin?: { key?: { k_image: string } }[] };
  return (decoded.vin ?? []).flatMap((input) => (input.key ? [input.key.k_image] : []));
}

/** A transaction in the daemon's pool: whether the daemon relayed it (or only holds it), and the key images it spends. */
export interface PoolTx {
  hash: string;
  relayed: boolean;
  keyImages: string[];
}

/** The daemon's pool. Unrestricted RPC only shows the transactions it holds without relaying them. */
export async function daemonPool(daemon: DaemonRpc): Promise<PoolTx[]> {
  const body = await daemonPost<{ status?: string; transactions?: { id_hash: string; relayed: boolean; tx_json: string }[] }>(
    daemon,
    '/get_transaction_pool',
    {},
    'get_transaction_pool',
  );
  if (body.status !== 'OK') throw new Error(`monerod get_transaction_pool: ${body.status ?? 'no status'}`);
  return (body.transactions ?? []).map((tx) => ({ hash: tx.id_hash, relayed: tx.relayed, keyImages: keyImagesOfJson(tx.tx_json) }));
}

/** Asks the daemon to relay transactions it holds in its pool (the same transactions: nothing is signed). Unrestricted RPC only. */
export async function relayPoolTxs(daemon: DaemonRpc, hashes: string[]): Promise<void> {
  await daemonJsonRpc(daemon, 'relay_tx', { txids: hashes });
}

/** Regtest only: mines `blocks` blocks paying `address`. Needs the daemon's full (unrestricted) RPC. */
export async function generateBlocks(daemon: DaemonRpc, blocks: number, address: string): Promise<number> {
  const result = await daemonJsonRpc<{ height: number }>(daemon, 'generateblocks', {
    amount_of_blocks: blocks,
    wallet_address: address,
  });
  return result.height;
}

/** Regtest only: removes the top `blocks` blocks (a reorg as far as wallets can tell). Unrestricted RPC only. */
export async function popBlocks(daemon: DaemonRpc, blocks: number): Promise<void> {
  const body = await daemonPost<{ status?: string }>(daemon, '/pop_blocks', { nblocks: blocks }, 'pop_blocks');
  if (body.status !== 'OK') throw new Error(`monerod pop_blocks: ${JSON.stringify(body)}`);
}

/** Asks monerod to stop (it flushes and closes its database first). Unrestricted RPC only. */
export async function stopDaemon(daemon: DaemonRpc): Promise<void> {
  const body = await daemonPost<{ status?: string }>(daemon, '/stop_daemon', {}, 'stop_daemon', 10_000);
  if (body.status !== 'OK') throw new Error(`monerod stop_daemon: ${JSON.stringify(body)}`);
}
