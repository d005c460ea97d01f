import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signAccessToken } from '@pupero/shared/jwt';
import { testKeys } from '@pupero/shared/testing';
import { type Chain, eventually, startChain, startWalletStack, type WalletStack } from '@pupero/test-stack/chain';
import { buildApp } from './app.ts';

describe('wallet manager health', () => {
  let chain: Chain;
  let stack: WalletStack;
  before(async () => {
    chain = await startChain();
    stack = await startWalletStack(chain);
  });
  after(async () => {
    await stack?.close();
    await chain?.stop();
  });

  it('offers the faucet only on regtest, paying the caller\u2019s own deposit address', async () => {
    const user = await stack.signUp('fa');
    const { address } = (await stack.api('GET', '/wallet/deposit-address', { token: user.token })).body;
    assert.equal((await stack.api('POST', '/dev/faucet', { body: { amount: '1' } })).status, 401);
    assert.equal((await stack.api('POST', '/dev/faucet', { token: user.token, body: { amount: '1000' } })).status, 400, 'bounded');
    const mainnet = buildApp({ ...stack.wallet, config: { ...stack.wallet.config, MONERO_NETWORK: 'mainnet' } }, { logger: false });
    const refused = await mainnet.inject({ method: 'POST', url: '/dev/faucet', payload: { amount: '1' } });
    assert.equal(refused.statusCode, 404, 'no faucet route outside regtest');
    await mainnet.close();
    assert.match(address, /^[48]/);
  });
  it('refuses forged and revoked access tokens like every service', async () => {
    const user = await stack.signUp('ft');
    const app = buildApp(stack.wallet, { logger: false });
    const ask = async (token: string) => {
      const res = await app.inject({
        method: 'POST',
        url: '/admin/withdraw/execute',
        headers: { authorization: `Bearer ${token}` },
        payload: { withdrawalId: '1' },
      });
      return `${res.statusCode} ${res.json().code}`;
    };
    const frontendKey = testKeys(stack.keys).signingKey('frontend');
    const forged = signAccessToken(
      { key: frontendKey, issuer: 'pupero', audience: 'pupero-api' },
      { userId: user.id, username: user.username, role: 'admin', version: 0 },
      60,
    );
    assert.equal(await ask(forged), '401 TOKEN_INVALID', "an admin's token signed with the frontend's key");
    assert.equal(await ask(user.token), '403 FORBIDDEN', 'a genuine user token: not an admin');
    assert.equal((await stack.api('POST', '/auth/me/logout-all', { token: user.token })).status, 204);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(await ask(user.token), '401 TOKEN_REVOKED', 'logged out everywhere');
    await app.close();
  });

  it('answers 503 naming the cause while the wallet is ahead of the daemon, and 200 once it follows the chain again', async () => {
    const app = buildApp(stack.wallet, { logger: false });
    await stack.wallet.wallet.sync();
    const height = await stack.wallet.wallet.getHeight();
    // The daemon loses its top 3 blocks, as after an unclean stop; the wallet still holds them.
    await chain.popBlocks(3);
    const ahead = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(ahead.statusCode, 503);
    const body = ahead.json();
    assert.equal(body.status, 'degraded');
    assert.match(body.checks.chain, new RegExp(`^wallet height ${height} is ahead of the daemon's ${height - 3}: the daemon lost blocks`));
    assert.equal(body.reason, body.checks.chain);
    assert.deepEqual([body.walletHeight, body.daemonHeight], [height, height - 3]);
    assert.equal(body.checks.walletRpc, 'ok');

    // New blocks on the shorter chain: a shallow reorganisation the wallet follows by itself.
    await chain.mine(4);
    const healed = await eventually<{ walletHeight: number; daemonHeight: number; checks: { chain: string } }>(
      async () => {
        const res = await app.inject({ method: 'GET', url: '/healthz' });
        return res.statusCode === 200 && res.json().walletHeight === height + 1 ? res.json() : undefined;
      },
      30,
      'the wallet to follow the chain again',
    );
    assert.deepEqual([healed.walletHeight, healed.daemonHeight, healed.checks.chain], [height + 1, height + 1, 'ok']);
    await app.close();
  });

  it('reports wallet-rpc with the wallet open, the daemon height and the broker; 503 when the daemon is gone', async () => {
    const app = buildApp(stack.wallet, { logger: false });
    const up = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(up.statusCode, 200);
    const body = up.json();
    assert.deepEqual(body.checks, { walletRpc: 'ok', daemon: 'ok', rabbitmq: 'ok', database: 'ok', chain: 'ok' });
    assert.equal(body.reason, null);
    assert.ok(body.daemonHeight >= 100, `daemon height ${body.daemonHeight}`);
    assert.ok(body.walletHeight > 0);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(metrics.statusCode, 200);
    assert.match(metrics.body, /^# TYPE pupero_deposits gauge$/m);
    assert.match(metrics.body, /^# TYPE pupero_wallet_sends gauge$/m);
    await chain.daemon.stop();
    const down = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(down.statusCode, 503);
    assert.equal(down.json().checks.daemon, 'down');
    assert.equal(down.json().checks.chain, 'unknown');
    assert.equal(down.json().daemonHeight, null);
    assert.match(down.json().reason, /^monerod: /);
    await app.close();
  });
});
