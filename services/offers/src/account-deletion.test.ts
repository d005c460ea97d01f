import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serviceClient } from '@pupero/shared/http';
import type { ServiceName } from '@pupero/shared/key-plan';
import { signingKeyFrom } from '@pupero/shared/keys';
import { createServiceTokenSigner } from '@pupero/shared/service-token';
import { type OffersStack, startOffersStack } from '@pupero/test-stack/offers';

/**
 * Login deletes an account only after asking the services that own its money (transactions) and
 * its trades and offers (offers); it reads and writes none of their tables itself.
 */
describe('account deletion, asked of the ledger and the offers service', () => {
  let stack: OffersStack;
  before(async () => {
    stack = await startOffersStack();
  });
  after(() => stack.close());

  /** Straight to the offers service with a service token signed by `caller`'s own key. */
  const offersAs = (caller: ServiceName) =>
    serviceClient({
      baseUrl: stack.offersUrl,
      callee: 'offers',
      serviceToken: createServiceTokenSigner(signingKeyFrom(stack.keys.services[caller]!.privateKey), caller),
    });
  const deleteAccount = (user: { token: string; password: string }) =>
    stack.api('DELETE', '/auth/me', { token: user.token, body: { password: user.password } });

  it('answers only login, and the gateway routes neither question', async () => {
    const user = await stack.signUp('q');
    await assert.rejects(offersAs('transactions')('POST', `/internal/users/${user.id}/close`), { code: 'FORBIDDEN' });
    assert.deepEqual(await offersAs('login')('POST', `/internal/users/${user.id}/close`), { closedOffers: 0 });
    const openMoney = `/internal/users/${user.id}/open-money`;
    assert.equal((await stack.service('offers')('GET', openMoney)).status, 403);
    assert.deepEqual((await stack.service('login')('GET', openMoney)).body, {
      open: false,
      balance: '0',
      pendingWithdrawals: 0,
      pendingDeposits: 0,
    });
    assert.equal((await stack.api('GET', `/internal/users/${user.id}/open-money`, { token: user.token })).status, 404);
    assert.equal((await stack.api('POST', `/internal/users/${user.id}/close`, { token: user.token })).status, 404);
  });

  it('refuses while coins, a deposit or a withdrawal are open; then deletes, closes the offers and ends the tokens', async () => {
    const rich = await stack.signUp('r');
    await stack.fund(rich.id, '1');
    const withCoins = await deleteAccount(rich);
    assert.equal(withCoins.status, 409);
    assert.match(withCoins.body.message, /balance/);

    const user = await stack.signUp('d');
    const db = stack.login.db;
    const openMoney = async () => (await stack.service('login')('GET', `/internal/users/${user.id}/open-money`)).body;
    // As the wallet manager records a deposit it has seen but not yet credited.
    await db.query("INSERT INTO deposits (tx_hash, subaddress_index, user_id, amount, state) VALUES (?, ?, ?, 1, 'PENDING')", [
      'a'.repeat(64),
      9000 + user.id,
      user.id,
    ]);
    assert.equal((await deleteAccount(user)).status, 409, 'a deposit on its way');
    assert.equal((await openMoney()).pendingDeposits, 1);
    // The wallet manager marks a deposit below the minimum as dust: it is settled (never credited) and
    // no longer holds the account open.
    await db.query("UPDATE deposits SET state = 'DUST' WHERE user_id = ?", [user.id]);
    assert.equal((await openMoney()).pendingDeposits, 0, 'a dust deposit is not on its way');
    // As the ledger records a withdrawal the wallet has not sent yet.
    await db.query(
      "INSERT INTO withdrawals (user_id, idempotency_key, address, amount, fee, state) VALUES (?, 'k', 'addr', 1, 1, 'SENDING')",
      [user.id],
    );
    assert.equal((await deleteAccount(user)).status, 409, 'a withdrawal on its way');
    assert.deepEqual(await openMoney(), { open: true, balance: '0', pendingWithdrawals: 1, pendingDeposits: 0 });
    await db.query("UPDATE withdrawals SET state = 'SENT' WHERE user_id = ?", [user.id]);

    const offer = await stack.api('POST', '/offers', {
      token: user.token,
      body: {
        side: 'BUY',
        fiatCurrency: 'EUR',
        paymentMethods: ['SEPA'],
        priceType: 'FIXED',
        fixedPrice: '150.00',
        minAmount: '0.1',
        maxAmount: '1',
        paymentWindowMinutes: 30,
      },
    });
    assert.equal(offer.status, 201);
    assert.equal((await deleteAccount(user)).status, 204);
    const [row] = await stack.offers.pool.query('SELECT status FROM offers WHERE id = ?', [offer.body.id]);
    assert.equal(row.status, 'CLOSED');
    const { prisma } = stack.login;
    assert.equal(await prisma.user.count({ where: { id: user.id } }), 0);
    assert.equal(await prisma.refreshToken.count({ where: { userId: user.id } }), 0);
    assert.equal((await stack.api('GET', '/auth/me', { token: user.token })).status, 401, 'a token of a deleted account no longer works');
    assert.equal(
      await prisma.auditLog.count({ where: { userId: user.id, action: 'ACCOUNT_DELETED' } }),
      1,
      'the audit row outlives the user',
    );
  });
});
