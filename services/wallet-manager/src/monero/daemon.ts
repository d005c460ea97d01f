/**
 * The few monerod RPC calls the wallet manager makes itself (height, and on regtest: mining and
 * rewinding). The daemon's RPC here has no login; the wallet RPC (digest auth) goes through monero-ts.
 */
export async function daemonJsonRpc<T>(daemonUrl: string, method: string, params: object = {}): Promise<T> {
  const response = await fetch(new URL('/json_rpc', daemonUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: '0', method, params }),
    signal: AbortSignal.timeout(120_000),
  });
  const body = (await response.json()) as { result?: T; error?: { code: number; message: string } };
  if (body.error || body.result === undefined) throw new Error(`monerod ${method}: ${body.error?.message ?? response.status}`);
  return body.result;
}

export async function daemonHeight(daemonUrl: string): Promise<number> {
  return (
    (await daemonJsonRpc<{ height: number }>(daemonUrl, 'get_block_count')).height ??
    (await daemonJsonRpc<{ count: number }>(daemonUrl, 'get_block_count')).count
  );
}

/** Regtest only: mines `blocks` blocks paying `address`. */
export async function generateBlocks(daemonUrl: string, blocks: number, address: string): Promise<number> {
  const result = await daemonJsonRpc<{ height: number }>(daemonUrl, 'generateblocks', {
    amount_of_blocks: blocks,
    wallet_address: address,
  });
  return result.height;
}

/** Regtest only: removes the top `blocks` blocks (a reorg as far as wallets can tell). */
export async function popBlocks(daemonUrl: string, blocks: number): Promise<void> {
  const response = await fetch(new URL('/pop_blocks', daemonUrl), { method: 'POST', body: JSON.stringify({ nblocks: blocks }) });
  const body = (await response.json()) as { status?: string };
  if (body.status !== 'OK') throw new Error(`monerod pop_blocks: ${JSON.stringify(body)}`);
}
