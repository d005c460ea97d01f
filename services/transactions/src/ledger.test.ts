import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type LedgerStack, startLedgerStack } from '../test/helpers.ts';

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

  it('transfers once per key: the same key and body answer the same, another body is refused', async () => {
    const offers = stack.service('offers');
    const [a, b] = [await stack.signUp('ta'), await stack.signUp('tb')];
    await stack.fund(a.id, '10');
    const body = { key: `t-${a.id}`, from: `USER:${a.id}`, to: `USER:${b.id}`, amount: '1.25', kind: 'TRADE' };
    const first = await offers('POST', '/transactions/transfer', { body });
    assert.equal(first.status, 201);
    assert.equal(first.body.replayed, false);
    const again = await offers('POST', '/transactions/transfer', { body });
    assert.equal(again.status, 200);
    assert.equal(again.body.replayed, true);
    assert.equal(again.body.id, first.body.id);
    const changed = await offers('POST', '/transactions/transfer', { body: { ...body, amount: '2' } });
    assert.equal(changed.status, 409);
    assert.equal(changed.body.code, 'IDEMPOTENCY_CONFLICT');
    assert.deepEqual(await balance(a.id), { balance: 8_750_000_000_000n, held: 0n });
    assert.deepEqual(await balance(b.id), { balance: 1_250_000_000_000n, held: 0n });
  });

  it('refuses an overdraft with 422 INSUFFICIENT_FUNDS and moves nothing', async () => {
    const offers = stack.service('offers');
    const [a, b] = [await stack.signUp('oa'), await stack.signUp('ob')];
    await stack.fund(a.id, '1');
    const res = await offers('POST', '/transactions/transfer', {
      body: { key: `o-${a.id}`, from: `USER:${a.id}`, to: `USER:${b.id}`, amount: '1.000000000001' },
    });
    assert.equal(res.status, 422);
    assert.equal(res.body.code, 'INSUFFICIENT_FUNDS');
    assert.deepEqual(await balance(a.id), { balance: 1_000_000_000_000n, held: 0n });
  });

  it('holds escrow: available falls, then exactly one of post or void', async () => {
    const offers = stack.service('offers');
    const [seller, buyer] = [await stack.signUp('hs'), await stack.signUp('hb')];
    await stack.fund(seller.id, '5');
    const hold = await offers('POST', '/holds', {
      body: { key: `h-${seller.id}`, account: `USER:${seller.id}`, amount: '3', reference: 'trade:1' },
    });
    assert.equal(hold.status, 201);
    assert.equal(hold.body.state, 'PENDING');
    assert.deepEqual(await balance(seller.id), { balance: 5_000_000_000_000n, held: 3_000_000_000_000n });
    const tooMuch = await offers('POST', '/holds', { body: { key: `h2-${seller.id}`, account: `USER:${seller.id}`, amount: '2.1' } });
    assert.equal(tooMuch.body.code, 'INSUFFICIENT_FUNDS', 'a held amount cannot be held or spent again');
    const spend = await offers('POST', '/transactions/transfer', {
      body: { key: `s-${seller.id}`, from: `USER:${seller.id}`, to: `USER:${buyer.id}`, amount: '2.5' },
    });
    assert.equal(spend.body.code, 'INSUFFICIENT_FUNDS');

    const posted = await offers('POST', `/holds/${hold.body.id}/post`, { body: { to: `USER:${buyer.id}` } });
    assert.equal(posted.status, 200);
    assert.equal(posted.body.state, 'POSTED');
    const postedAgain = await offers('POST', `/holds/${hold.body.id}/post`, { body: { to: `USER:${buyer.id}` } });
    assert.equal(postedAgain.body.replayed, true);
    assert.equal((await offers('POST', `/holds/${hold.body.id}/post`, { body: { to: `USER:${seller.id}` } })).status, 409);
    assert.equal((await offers('POST', `/holds/${hold.body.id}/void`)).status, 409, 'a posted hold cannot be voided');
    assert.deepEqual(await balance(seller.id), { balance: 2_000_000_000_000n, held: 0n });
    assert.deepEqual(await balance(buyer.id), { balance: 3_000_000_000_000n, held: 0n });

    const second = await offers('POST', '/holds', { body: { key: `h3-${seller.id}`, account: `USER:${seller.id}`, amount: '2' } });
    const voided = await offers('POST', `/holds/${second.body.id}/void`);
    assert.equal(voided.body.state, 'VOIDED');
    assert.equal((await offers('POST', `/holds/${second.body.id}/void`)).body.replayed, true);
    assert.equal((await offers('POST', `/holds/${second.body.id}/post`, { body: { to: `USER:${buyer.id}` } })).status, 409);
    assert.deepEqual(await balance(seller.id), { balance: 2_000_000_000_000n, held: 0n });
    assert.equal((await offers('POST', '/holds/999999/void')).status, 404);
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
    const txHash = 'fe'.repeat(32);
    const squatted = await offers('POST', '/transactions/transfer', {
      body: { key: `deposit:${txHash}:${b.id}`, from: `USER:${a.id}`, to: `USER:${b.id}`, amount: '1' },
    });
    assert.equal(squatted.status, 201);
    assert.equal(squatted.body.key, `svc:offers:deposit:${txHash}:${b.id}`);
    const deposit = await stack.service('wallet-manager')('POST', '/deposits/credit', {
      body: { userId: b.id, txHash, subaddressIndex: b.id, amount: '0.5' },
    });
    assert.equal(deposit.status, 201, 'the real deposit with that key is still credited');
    assert.deepEqual(await balance(b.id), { balance: 1_500_000_000_000n, held: 0n });
  });

  it('refuses money endpoints without a service token, with a user token, or from the wrong service', async () => {
    const user = await stack.signUp('nt');
    const body = { key: 'steal-1', from: 'HOT_WALLET', to: `USER:${user.id}`, amount: '100' };
    const direct = stack.service('offers');
    const none = await direct('POST', '/transactions/transfer', { body, headers: { 'x-service-token': '' } });
    assert.equal(none.status, 403);
    const userToken = await direct('POST', '/transactions/transfer', { body, headers: { 'x-service-token': user.token } });
    assert.equal(userToken.status, 403);
    const wrongCaller = await stack.service('offers')('POST', '/deposits/credit', {
      body: { userId: user.id, txHash: 'cd'.repeat(32), subaddressIndex: 0, amount: '1' },
    });
    assert.equal(wrongCaller.status, 403, 'only the wallet manager credits deposits');
    const throughGateway = await stack.api('POST', '/transactions/transfer', { body, token: user.token });
    assert.equal(throughGateway.status, 404, 'the gateway does not route internal endpoints');
    for (const path of ['/holds', '/deposits/credit'])
      assert.equal((await stack.api('POST', path, { body, token: user.token })).status, 404, path);
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
