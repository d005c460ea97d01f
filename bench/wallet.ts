// Wallet benchmark on a real regtest chain: the latency from POST /withdraw to the transaction in
// the daemon's pool, and from the last needed block to the deposit being credited. Run by hand:
// `pnpm bench:wallet`. Writes bench/results/wallet-<time>.json; figures go into docs/performance.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { startChain, startWalletStack } from '@pupero/test-stack/chain';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const SWEEP = process.env.BENCH_SWEEP_SECONDS ?? '1';
const summary = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.floor(q * (sorted.length - 1))]!);
  return { rounds: sorted.length, p50ms: at(0.5), maxms: at(1), minms: at(0) };
};
const until = async (probe: () => Promise<boolean>) => {
  for (;;) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
};

const chain = await startChain();
const stack = await startWalletStack(chain, { SWEEP_INTERVAL_SECONDS: SWEEP, RABBITMQ_POLL_INTERVAL_SECONDS: '0' });
try {
  await chain.mine(70, await stack.wallet.wallet.getPrimaryAddress());
  const user = await stack.signUp('bench');
  await stack.fund(user.id, '100');

  const withdrawals: number[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    const address = (await chain.external.createSubaddress(0)).getAddress();
    const started = performance.now();
    const res = await stack.api('POST', '/withdraw', {
      token: user.token,
      headers: { 'idempotency-key': `bench-${i}` },
      body: { address, amount: '0.5' },
    });
    const id = res.body.id;
    let hash: string | undefined;
    await until(async () => {
      hash ??= (await stack.wallet.pool.query('SELECT tx_hash AS h FROM wallet_sends WHERE withdrawal_id = ?', [id]))[0]?.h ?? undefined;
      return hash !== undefined && (await chain.poolHashes()).includes(hash);
    });
    withdrawals.push(performance.now() - started);
    await chain.mine(1);
  }

  const deposits: number[] = [];
  const { address } = (await stack.api('GET', '/wallet/deposit-address', { token: user.token })).body;
  await chain.mine(10);
  for (let i = 0; i < Math.min(ROUNDS, 5); i += 1) {
    await chain.external.sync();
    const tx = await chain.external.createTx({ accountIndex: 0, address, amount: 100_000_000_000n, relay: true });
    await chain.mine(9);
    await new Promise((r) => setTimeout(r, 1500));
    const started = performance.now();
    await chain.mine(1);
    await until(
      async () => (await stack.wallet.pool.query('SELECT state FROM deposits WHERE tx_hash = ?', [tx.getHash()]))[0]?.state === 'CREDITED',
    );
    deposits.push(performance.now() - started);
  }

  const result = {
    date: new Date().toISOString(),
    sweepIntervalSeconds: Number(SWEEP),
    withdrawalToPool: summary(withdrawals),
    depositCreditedAfterLastBlock: summary(deposits),
  };
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL(`./results/wallet-${Date.now()}.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  await stack.close();
  await chain.stop();
}
