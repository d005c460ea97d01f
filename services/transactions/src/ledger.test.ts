import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type LedgerStack, startLedgerStack } from '@pupero/test-stack/ledger';

describe('ledger: internal API of the transactions service', () => {
  let stack: LedgerStack;
  before(async () => {
    stack = await startLedgerStack({ relay: false });
  });
  after(() => stack.close());

  const balance = async (userId: number) => {
    const [row] = await stack.deps.pool.query('SELECT balance, held FROM accounts WHERE code = ?', [`USER:${userId}`]);
    return { balance: row?.balance ?? 0n, held: row?.held ?? 0n };
  };

  it('holds once per key: the same key and body answer the same, another body is refused', async () => {
    const offers = stack.service('offers');
    const [a, b] = [await stack.signUp('ta'), await stack.signUp('tb')];
    await stack.fund(a.id, '10');
    const body = { key: `t-${a.id}`, account: `USER:${a.id}`, counterparty: `USER:${b.id}`, amount: '1.25', reference: 'trade:t' };
    const first = await offers('POST', '/holds', { body });
    assert.equal(first.status, 201);
    assert.equal(first.body.replayed, false);
    const again = await offers('POST', '/holds', { body });
    assert.equal(again.status, 200);
    assert.equal(again.body.replayed, true);
    assert.equal(again.body.id, first.body.id);
    for (const changed of [{ amount: '2' }, { counterparty: `USER:${a.id + 1000}` }]) {
      const res = await offers('POST', '/holds', { body: { ...body, ...changed } });
      assert.equal(res.body.code, 'IDEMPOTENCY_CONFLICT', JSON.stringify(changed));
    }
    assert.deepEqual(await balance(a.id), { balance: 10_000_000_000_000n, held: 1_250_000_000_000n });
  });

  it('refuses a hold over the available balance with 422 INSUFFICIENT_FUNDS and moves nothing', async () => {
    const offers = stack.service('offers');
    const [a, b] = [await stack.signUp('oa'), await stack.signUp('ob')];
    await stack.fund(a.id, '1');
    const res = await offers('POST', '/holds', {
      body: { key: `o-${a.id}`, account: `USER:${a.id}`, counterparty: `USER:${b.id}`, amount: '1.000000000001' },
    });
    assert.equal(res.status, 422);
    assert.equal(res.body.code, 'INSUFFICIENT_FUNDS');
    assert.deepEqual(await balance(a.id), { balance: 1_000_000_000_000n, held: 0n });
  });

  it('holds escrow: available falls, then exactly one of post (to the named counterparty only) or void', async () => {
    const offers = stack.service('offers');
    const [seller, buyer] = [await stack.signUp('hs'), await stack.signUp('hb')];
    await stack.fund(seller.id, '5');
    const holdBody = (key: string, amount: string) => ({ key, account: `USER:${seller.id}`, counterparty: `USER:${buyer.id}`, amount });
    const hold = await offers('POST', '/holds', { body: { ...holdBody(`h-${seller.id}`, '3'), reference: 'trade:1' } });
    assert.equal(hold.status, 201);
    assert.equal(hold.body.state, 'PENDING');
    assert.equal(hold.body.counterparty, `USER:${buyer.id}`);
    assert.deepEqual(await balance(seller.id), { balance: 5_000_000_000_000n, held: 3_000_000_000_000n });
    const tooMuch = await offers('POST', '/holds', { body: holdBody(`h2-${seller.id}`, '2.1') });
    assert.equal(tooMuch.body.code, 'INSUFFICIENT_FUNDS', 'a held amount cannot be held again');

    const elsewhere = await offers('POST', `/holds/${hold.body.id}/post`, { body: { to: 'USER:1' } });
    assert.equal(elsewhere.status, 400, 'a post names no account: it goes to the counterparty or nowhere');
    const posted = await offers('POST', `/holds/${hold.body.id}/post`);
    assert.equal(posted.status, 200);
    assert.deepEqual([posted.body.state, posted.body.postedTo], ['POSTED', `USER:${buyer.id}`]);
    const postedAgain = await offers('POST', `/holds/${hold.body.id}/post`);
    assert.equal(postedAgain.body.replayed, true);
    assert.equal((await offers('POST', `/holds/${hold.body.id}/void`)).status, 409, 'a posted hold cannot be voided');
    assert.deepEqual(await balance(seller.id), { balance: 2_000_000_000_000n, held: 0n });
    assert.deepEqual(await balance(buyer.id), { balance: 3_000_000_000_000n, held: 0n });

    const second = await offers('POST', '/holds', { body: holdBody(`h3-${seller.id}`, '2') });
    const voided = await offers('POST', `/holds/${second.body.id}/void`);
    assert.equal(voided.body.state, 'VOIDED');
    assert.equal((await offers('POST', `/holds/${second.body.id}/void`)).body.replayed, true);
    assert.equal((await offers('POST', `/holds/${second.body.id}/post`)).status, 409);
    assert.deepEqual(await balance(seller.id), { balance: 2_000_000_000_000n, held: 0n });
    assert.equal((await offers('POST', '/holds/999999/void')).status, 404);
  });

  it('places holds only on one user account for another user', async () => {
    const offers = stack.service('offers');
    const user = await stack.signUp('hw');
    await stack.fund(user.id, '1');
    const bodies = [
      { account: 'HOT_WALLET', counterparty: `USER:${user.id}` },
      { account: 'FEES', counterparty: `USER:${user.id}` },
      { account: `USER:${user.id}`, counterparty: 'HOT_WALLET' },
      { account: `USER:${user.id}`, counterparty: 'WITHDRAWALS_PENDING' },
      { account: `USER:${user.id}`, counterparty: `USER:${user.id}` },
    ];
    for (const [i, accounts] of bodies.entries()) {
      const res = await offers('POST', '/holds', { body: { key: `hw-${user.id}-${i}`, amount: '0.5', ...accounts } });
      assert.equal(res.status, 400, JSON.stringify(accounts));
    }
    assert.deepEqual(await balance(user.id), { balance: 1_000_000_000_000n, held: 0n });
  });

  it('credits a deposit once per (txid, subaddress)', async () => {
    const wallet = stack.service('wallet-manager');
    const user = await stack.signUp('dp');
    const body = { userId: user.id, txHash: 'ab'.repeat(32), subaddressIndex: 3, amount: '0.5' };
    assert.equal((await wallet('POST', '/deposits/credit', { body })).status, 201);
    assert.equal((await wallet('POST', '/deposits/credit', { body })).status, 200);
    assert.equal((await wallet('POST', '/deposits/credit', { body: { ...body, amount: '5' } })).status, 409);
    assert.deepEqual(await balance(user.id), { balance: 500_000_000_000n, held: 0n });
  });

  it("keeps callers' keys in their own namespace: no caller can take the ledger's own keys", async () => {
    const offers = stack.service('offers');
    const [a, b] = [await stack.signUp('ns'), await stack.signUp('nb')];
    await stack.fund(a.id, '2');
    const squatted = await offers('POST', '/holds', {
      body: { key: `hold:1:post`, account: `USER:${a.id}`, counterparty: `USER:${b.id}`, amount: '1' },
    });
    assert.equal(squatted.status, 201);
    assert.equal(squatted.body.key, 'svc:offers:hold:1:post');
  });

  it('refuses money endpoints without a service token, with a user token, or from the wrong service', async () => {
    const user = await stack.signUp('nt');
    const other = await stack.signUp('nu');
    const holdBody = { key: 'steal-1', account: `USER:${other.id}`, counterparty: `USER:${user.id}`, amount: '100' };
    const direct = stack.service('offers');
    const none = await direct('POST', '/holds', { body: holdBody, headers: { 'x-service-token': '' } });
    assert.equal(none.status, 403);
    const userToken = await direct('POST', '/holds', { body: holdBody, headers: { 'x-service-token': user.token } });
    assert.equal(userToken.status, 403);
    const wrongCaller = await stack.service('offers')('POST', '/deposits/credit', {
      body: { userId: user.id, txHash: 'cd'.repeat(32), subaddressIndex: 0, amount: '1' },
    });
    assert.equal(wrongCaller.status, 403, 'only the wallet manager credits deposits');
    for (const caller of ['wallet-manager', 'login', 'frontend'] as const) {
      assert.equal((await stack.service(caller)('POST', '/holds', { body: holdBody })).status, 403, `${caller} places no holds`);
    }
    assert.equal(
      (
        await stack.service('login')('POST', '/deposits/credit', {
          body: { userId: user.id, txHash: 'ce'.repeat(32), subaddressIndex: 0, amount: '1' },
        })
      ).status,
      403,
    );
    const transfer = await direct('POST', '/transactions/transfer', {
      body: { key: 'x', from: 'HOT_WALLET', to: `USER:${user.id}`, amount: '1' },
    });
    assert.equal(transfer.status, 404, 'there is no general transfer endpoint');
    for (const path of ['/holds', '/deposits/credit', '/transactions/transfer'])
      assert.equal((await stack.api('POST', path, { body: holdBody, token: user.token })).status, 404, path);
    assert.deepEqual(await balance(user.id), { balance: 0n, held: 0n });
  });

  it('has the database itself refuse an overdraft (CHECK constraints)', async () => {
    const user = await stack.signUp('ck');
    await stack.fund(user.id, '1');
    await assert.rejects(
      stack.deps.pool.query('UPDATE accounts SET held = 2000000000000 WHERE code = ?', [`USER:${user.id}`]),
      /CONSTRAINT|accounts_user_covers_held/,
    );
    await assert.rejects(
      stack.deps.pool.query('UPDATE accounts SET held = -1 WHERE code = ?', [`USER:${user.id}`]),
      /CONSTRAINT|accounts_held_not_negative/,
    );
    await assert.rejects(stack.deps.pool.query('UPDATE accounts SET balance = -1 WHERE code = ?', [`USER:${user.id}`]), /CONSTRAINT/);
  });
});
