import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { withdrawalRequested } from '@pupero/shared/contracts';
import { peerKeysFrom } from '@pupero/shared/keys';
import { verifyMessage } from '@pupero/shared/signed-message';
import { oathtoolCode, testKeys } from '@pupero/shared/testing';
import { ADDRESS, BAD_ADDRESS, type LedgerStack, startLedgerStack } from '@pupero/test-stack/ledger';
import { drainQueue, publishTo, waitFor } from '@pupero/test-stack/queues';

describe('withdrawals through the gateway', () => {
  let stack: LedgerStack;
  before(async () => {
    stack = await startLedgerStack();
  });
  after(() => stack.close());

  const withdraw = (token: string, key: string | undefined, body: Record<string, unknown>) =>
    stack.api('POST', '/withdraw', { token, body, ...(key ? { headers: { 'idempotency-key': key } } : {}) });

  it('debits once per Idempotency-Key, refuses the key with another body, and validates the request', async () => {
    const user = await stack.signUp('wd');
    await stack.fund(user.id, '10');
    const first = await withdraw(user.token, 'key-1', { address: ADDRESS, amount: '1' });
    assert.equal(first.status, 202);
    assert.equal(first.body.state, 'PENDING');
    assert.equal(first.body.amount, '1');
    assert.equal(first.body.fee, '0.01');
    const again = await withdraw(user.token, 'key-1', { address: ADDRESS, amount: '1' });
    assert.equal(again.status, 202);
    assert.equal(again.body.id, first.body.id);
    const balance = await stack.api('GET', `/balances/${user.id}`, { token: user.token });
    assert.deepEqual(balance.body, { userId: user.id, available: '8.99', held: '0', total: '8.99' });

    const otherBody = await withdraw(user.token, 'key-1', { address: ADDRESS, amount: '2' });
    assert.equal(otherBody.status, 409);
    assert.equal(otherBody.body.code, 'IDEMPOTENCY_CONFLICT');
    const noKey = await withdraw(user.token, undefined, { address: ADDRESS, amount: '1' });
    assert.equal(noKey.status, 400);
    assert.deepEqual(
      noKey.body.details.map((d: { path: string }) => d.path),
      ['headers.idempotency-key'],
    );
    const badAddress = await withdraw(user.token, 'key-2', { address: BAD_ADDRESS, amount: '1' });
    assert.equal(badAddress.status, 400);
    assert.match(badAddress.body.message, /address/);
    const short = await withdraw(user.token, 'key-3', { address: ADDRESS, amount: '9' });
    assert.equal(short.status, 422);
    assert.equal(short.body.code, 'INSUFFICIENT_FUNDS');
    assert.equal((await withdraw(user.token, 'key-4', { address: ADDRESS, amount: '0.0001' })).status, 400, 'below the minimum');
    assert.equal((await withdraw(user.token, 'key-5', { address: ADDRESS, amount: '-1' })).status, 400);
    assert.equal((await withdraw(user.token, 'key-6', { address: ADDRESS, amount: 1 })).status, 400, 'amounts are strings');
    const total = await stack.api('GET', `/balances/${user.id}`, { token: user.token });
    assert.equal(total.body.total, '8.99', 'the refused requests moved nothing');
  });

  it('tells the fee and the most that can be withdrawn, and "withdraw everything" sends exactly that', async () => {
    const user = await stack.signUp('wt');
    await stack.fund(user.id, '2.5');
    const terms = await stack.api('GET', '/withdraw/terms', { token: user.token });
    assert.deepEqual(terms.body, { fee: '0.01', minimum: '0.001', available: '2.5', maximum: '2.49' });
    assert.equal(
      (await withdraw(user.token, 'all-1', { address: ADDRESS, amount: '2.5' })).body.code,
      'INSUFFICIENT_FUNDS',
      'the fee comes on top',
    );
    const everything = await withdraw(user.token, 'all-2', { address: ADDRESS, amount: terms.body.maximum });
    assert.equal(everything.status, 202, JSON.stringify(everything.body));
    const after = await stack.api('GET', '/withdraw/terms', { token: user.token });
    assert.deepEqual(after.body, { fee: '0.01', minimum: '0.001', available: '0', maximum: '0' });
    await stack.fund(user.id, '0.0105');
    const dust = await stack.api('GET', '/withdraw/terms', { token: user.token });
    assert.equal(dust.body.maximum, '0', '0.0005 after the fee is under the minimum: nothing can be withdrawn');
  });

  it("lists every user's withdrawals to admins, newest first, by state; to nobody else", async () => {
    const [user, admin] = [await stack.signUp('wl'), await stack.signUp('wa')];
    await stack.fund(user.id, '3');
    const first = (await withdraw(user.token, 'list-1', { address: ADDRESS, amount: '1' })).body;
    const second = (await withdraw(user.token, 'list-2', { address: ADDRESS, amount: '1.5' })).body;
    const adminToken = await stack.makeAdmin(admin.username, admin.password);
    const pending = await stack.api('GET', '/admin/withdrawals?state=PENDING&limit=100', { token: adminToken });
    assert.equal(pending.status, 200, JSON.stringify(pending.body));
    const mine = pending.body.items.filter((w: { userId: number }) => w.userId === user.id);
    assert.deepEqual(
      mine.map((w: { id: string; amount: string }) => [w.id, w.amount]),
      [
        [second.id, '1.5'],
        [first.id, '1'],
      ],
    );
    const page = await stack.api('GET', '/admin/withdrawals?limit=1', { token: adminToken });
    assert.equal(page.body.items.length, 1);
    assert.ok(page.body.nextCursor);
    assert.equal(
      (await stack.api('GET', '/admin/withdrawals?state=SENT', { token: adminToken })).body.items.filter(
        (w: { userId: number }) => w.userId === user.id,
      ).length,
      0,
    );
    assert.equal((await stack.api('GET', '/admin/withdrawals', { token: user.token })).status, 403);
    assert.equal((await stack.api('GET', '/admin/withdrawals?state=LOST', { token: adminToken })).status, 400);
  });

  it("refuses a withdrawal to one of Pupero's own deposit addresses (the coins would never be credited)", async () => {
    const [user, other] = [await stack.signUp('wo'), await stack.signUp('wp')];
    await stack.fund(user.id, '2');
    // The wallet manager's table, set up as the admin (the ledger may only read its addresses).
    await stack.login.db.query('INSERT INTO deposit_addresses (user_id, subaddress_index, address) VALUES (?, ?, ?)', [
      other.id,
      9000 + other.id,
      ADDRESS,
    ]);
    const res = await withdraw(user.token, 'own-1', { address: ADDRESS, amount: '1' });
    assert.equal(res.status, 422);
    assert.match(res.body.message, /deposit address/);
    assert.equal((await stack.api('GET', `/balances/${user.id}`, { token: user.token })).body.total, '2');
    await stack.login.db.query('DELETE FROM deposit_addresses WHERE user_id = ?', [other.id]);

    // Checked before the TOTP code: a doomed request does not spend the user's code.
    const { password } = user;
    const { secret } = (await stack.api('POST', '/auth/2fa/enable', { token: user.token, body: { password } })).body;
    const t0 = Math.floor(Date.now() / 1000);
    await stack.api('POST', '/auth/2fa/confirm', { token: user.token, body: { password, totp: await oathtoolCode(secret, t0) } });
    const code = await oathtoolCode(secret, t0 + 30);
    assert.equal((await withdraw(user.token, 'own-2', { address: BAD_ADDRESS, amount: '1', totp: code })).status, 400);
    assert.equal(
      (await withdraw(user.token, 'own-3', { address: ADDRESS, amount: '1', totp: code })).status,
      202,
      'the code is still unused',
    );
  });

  it('publishes each withdrawal to the queue once, in the shared message contract', async () => {
    const user = await stack.signUp('wq');
    await stack.fund(user.id, '5');
    const ids = [];
    for (const key of ['q-1', 'q-2', 'q-1']) ids.push((await withdraw(user.token, key, { address: ADDRESS, amount: '0.5' })).body.id);
    const messages = await drainQueue(stack.queue, 1500);
    const mine = messages.filter((m) => m.body.userId === user.id);
    assert.deepEqual(mine.map((m) => m.body.withdrawalId).sort(), [ids[0], ids[1]].sort());
    const walletPeers = peerKeysFrom(testKeys(stack.keys).env('wallet-manager').SERVICE_PUBLIC_KEYS!);
    for (const m of mine) {
      assert.equal(withdrawalRequested.safeParse(m.body).success, true);
      assert.equal(
        verifyMessage('withdrawal-request', m.content, m.headers, walletPeers, ['transactions']).ok,
        true,
        'signed by transactions',
      );
      assert.equal(m.messageId, `withdrawal:${m.body.withdrawalId}`);
      assert.equal(m.body.amount, '0.5');
    }
  });

  // The test acts as the wallet manager: its reports are signed with the wallet manager's key.
  const report = (body: object) =>
    publishTo(
      stack.resultsQueue,
      { type: 'withdrawal.result', address: ADDRESS, amount: '1', ...body },
      { kind: 'withdrawal-result', key: testKeys(stack.keys).signingKey('wallet-manager'), sender: 'wallet-manager' },
    );

  it('settles a sent withdrawal and refunds a failed one exactly once', async () => {
    const user = await stack.signUp('wr');
    await stack.fund(user.id, '3');
    const sent = (await withdraw(user.token, 'r-1', { address: ADDRESS, amount: '1' })).body;
    const failed = (await withdraw(user.token, 'r-2', { address: ADDRESS, amount: '1' })).body;
    await drainQueue(stack.queue, 300);
    const fees = async () => (await stack.deps.pool.query("SELECT balance FROM accounts WHERE code = 'FEES'"))[0].balance as bigint;
    const feesBefore = await fees();

    const txHash = 'e'.repeat(64);
    const sentMessage = { status: 'SENT', withdrawalId: sent.id, txHash, networkFee: '0.0026' };
    await report({ status: 'SENDING', withdrawalId: sent.id });
    await report(sentMessage);
    await report(sentMessage);
    const failedMessage = { status: 'FAILED', withdrawalId: failed.id, reason: 'address refused by the wallet' };
    await report(failedMessage);
    await report(failedMessage);
    await report({ status: 'SENT', withdrawalId: 'not-a-number' });
    // Contradictions are refused: a refunded withdrawal reported sent must not settle as well.
    await report({ ...sentMessage, withdrawalId: failed.id });

    const afterSent = await waitFor(async () => {
      const res = await stack.api('GET', `/withdrawals/${sent.id}`, { token: user.token });
      return res.body.state === 'SENT' ? res.body : undefined;
    });
    assert.equal(afterSent.txHash, txHash);
    assert.equal(afterSent.networkFee, '0.0026');
    const afterFailed = await waitFor(async () => {
      const res = await stack.api('GET', `/withdrawals/${failed.id}`, { token: user.token });
      return res.body.state === 'REFUNDED' ? res.body : undefined;
    });
    assert.equal(afterFailed.failureReason, 'address refused by the wallet');
    await new Promise((r) => setTimeout(r, 300));
    const balance = await stack.api('GET', `/balances/${user.id}`, { token: user.token });
    assert.equal(balance.body.total, '1.99', '3 − (1 + 0.01) sent; the failed 1.01 came back once');
    assert.equal((await fees()) - feesBefore, 7_400_000_000n, 'the platform keeps the 0.01 fee minus the 0.0026 network fee');
    const [pending] = await stack.deps.pool.query("SELECT balance FROM accounts WHERE code = 'WITHDRAWALS_PENDING'");
    const [open] = await stack.deps.pool.query(
      "SELECT CAST(COALESCE(SUM(amount + fee), 0) AS CHAR) AS owed FROM withdrawals WHERE state IN ('PENDING', 'SENDING')",
    );
    assert.equal(String(pending.balance), open.owed, 'WITHDRAWALS_PENDING holds exactly what open withdrawals owe');
  });

  it('never refunds a withdrawal reported built (SENDING, with or without its hash): it may have left', async () => {
    const user = await stack.signUp('wb');
    await stack.fund(user.id, '2');
    const built = (await withdraw(user.token, 'b-1', { address: ADDRESS, amount: '1' })).body;
    await drainQueue(stack.queue, 300);
    await report({ status: 'SENDING', withdrawalId: built.id });
    await report({ status: 'FAILED', withdrawalId: built.id, reason: 'as a wallet manager that forgot what it built' });
    // Reports are taken in order: once SENT shows, the FAILED before it was refused, not applied.
    await report({ status: 'SENT', withdrawalId: built.id, txHash: 'f'.repeat(64), networkFee: '0.0026' });
    const after = await waitFor(async () => {
      const res = await stack.api('GET', `/withdrawals/${built.id}`, { token: user.token });
      return ['SENT', 'REFUNDED'].includes(res.body.state) ? res.body : undefined;
    });
    assert.equal(after.state, 'SENT');
    const balance = await stack.api('GET', `/balances/${user.id}`, { token: user.token });
    assert.equal(balance.body.total, '0.99', '2 − (1 + 0.01), nothing refunded');
  });

  it('asks for the TOTP code when 2FA is on, and not again for a retry of the same request', async () => {
    const user = await stack.signUp('w2');
    await stack.fund(user.id, '2');
    const { password } = user;
    const { secret } = (await stack.api('POST', '/auth/2fa/enable', { token: user.token, body: { password } })).body;
    const now = Math.floor(Date.now() / 1000);
    await stack.api('POST', '/auth/2fa/confirm', { token: user.token, body: { password, totp: await oathtoolCode(secret, now) } });
    const without = await withdraw(user.token, 't-1', { address: ADDRESS, amount: '0.5' });
    assert.equal(without.status, 401);
    assert.equal(without.body.code, 'TOTP_REQUIRED');
    const code = await oathtoolCode(secret, now + 30);
    const wrong = await withdraw(user.token, 't-1', { address: ADDRESS, amount: '0.5', totp: code === '000000' ? '111111' : '000000' });
    assert.equal(wrong.body.code, 'TOTP_INVALID');
    const ok = await withdraw(user.token, 't-1', { address: ADDRESS, amount: '0.5', totp: code });
    assert.equal(ok.status, 202);
    const retry = await withdraw(user.token, 't-1', { address: ADDRESS, amount: '0.5', totp: code });
    assert.equal(retry.status, 202);
    assert.equal(retry.body.id, ok.body.id);
    assert.equal(
      (await withdraw(user.token, 't-2', { address: ADDRESS, amount: '0.5', totp: code })).body.code,
      'TOTP_INVALID',
      'a used code is refused for a new withdrawal',
    );
  });

  it("keeps one user out of another's balance, history and withdrawals; an admin may read them", async () => {
    const [a, b] = [await stack.signUp('aa'), await stack.signUp('bb')];
    await stack.fund(a.id, '2');
    const w = (await withdraw(a.token, 'x-1', { address: ADDRESS, amount: '0.5' })).body;
    assert.equal((await stack.api('GET', `/balances/${a.id}`, { token: b.token })).status, 403);
    assert.equal((await stack.api('GET', `/withdrawals/${w.id}`, { token: b.token })).status, 404);
    assert.deepEqual((await stack.api('GET', '/withdrawals', { token: b.token })).body.items, []);
    assert.deepEqual((await stack.api('GET', '/transactions', { token: b.token })).body.items, []);
    assert.equal((await stack.api('GET', `/balances/${a.id}`)).status, 401);
    assert.equal((await stack.api('GET', '/admin/ledger/summary', { token: b.token })).status, 403);

    const admin = await stack.signUp('ad');
    const adminToken = await stack.makeAdmin(admin.username, admin.password);
    assert.equal((await stack.api('GET', `/balances/${a.id}`, { token: adminToken })).body.total, '1.49');
    assert.equal((await stack.api('GET', `/withdrawals/${w.id}`, { token: adminToken })).status, 200);
    const summary = await stack.api('GET', '/admin/ledger/summary', { token: adminToken });
    assert.equal(summary.status, 200);
    assert.equal(summary.body.invariants.balancesSumToZero, true);
    assert.equal(summary.body.invariants.usersWithNegativeAvailable, 0);
    assert.ok(summary.body.kinds.some((k: { kind: string }) => k.kind === 'HOT_WALLET'));
    const audited = await stack.login.prisma.auditLog.count({ where: { action: 'ADMIN_LEDGER_SUMMARY', actorId: admin.id } });
    assert.equal(audited, 1);
  });

  it("corrects a user's balance only by an admin, with a reason, once per key, audited", async () => {
    const user = await stack.signUp('cr');
    const admin = await stack.signUp('ca');
    const adminToken = await stack.makeAdmin(admin.username, admin.password);
    const body = {
      key: `fix-${user.id}`,
      account: `USER:${user.id}`,
      direction: 'CREDIT',
      amount: '0.25',
      reason: 'deposit 1a2b missed by the watcher',
    };
    assert.equal((await stack.api('POST', '/admin/ledger/corrections', { body, token: user.token })).status, 403);
    assert.equal((await stack.api('POST', '/admin/ledger/corrections', { body })).status, 401);
    for (const bad of [{ reason: 'oops' }, { account: 'FEES' }, { direction: 'MINT' }, { amount: '-1' }, { from: 'HOT_WALLET' }]) {
      const res = await stack.api('POST', '/admin/ledger/corrections', { body: { ...body, ...bad }, token: adminToken });
      assert.equal(res.status, 400, JSON.stringify(bad));
    }
    const first = await stack.api('POST', '/admin/ledger/corrections', { body, token: adminToken });
    assert.deepEqual([first.status, first.body.from, first.body.to, first.body.kind], [201, 'HOT_WALLET', `USER:${user.id}`, 'ADJUSTMENT']);
    assert.equal((await stack.api('POST', '/admin/ledger/corrections', { body, token: adminToken })).status, 200);
    const debit = { ...body, key: `fix2-${user.id}`, direction: 'DEBIT', amount: '0.3' };
    assert.equal(
      (await stack.api('POST', '/admin/ledger/corrections', { body: debit, token: adminToken })).body.code,
      'INSUFFICIENT_FUNDS',
    );
    assert.equal((await stack.api('GET', `/balances/${user.id}`, { token: user.token })).body.total, '0.25');
    const audited = await stack.login.prisma.auditLog.findMany({ where: { action: 'LEDGER_CORRECTION', actorId: admin.id } });
    assert.equal(audited.length, 1);
    assert.match(JSON.stringify(audited[0]?.details), /missed by the watcher/);
  });

  it('pages the history with a cursor, newest first, naming only system counterparties', async () => {
    const [a, b] = [await stack.signUp('ha'), await stack.signUp('hb')];
    await stack.fund(a.id, '4');
    const offers = stack.service('offers');
    for (let i = 0; i < 3; i += 1) {
      const hold = await offers('POST', '/holds', {
        body: { key: `hist-${a.id}-${i}`, account: `USER:${a.id}`, counterparty: `USER:${b.id}`, amount: '0.1' },
      });
      await offers('POST', `/holds/${hold.body.id}/post`);
    }
    const first = await stack.api('GET', '/transactions?limit=2', { token: a.token });
    assert.equal(first.body.items.length, 2);
    assert.deepEqual(
      first.body.items.map((i: { direction: string; counterparty: string }) => [i.direction, i.counterparty]),
      [
        ['OUT', 'USER'],
        ['OUT', 'USER'],
      ],
    );
    const second = await stack.api('GET', `/transactions?limit=2&cursor=${first.body.nextCursor}`, { token: a.token });
    assert.deepEqual(
      second.body.items.map((i: { kind: string; direction: string; counterparty: string }) => [i.kind, i.direction, i.counterparty]),
      [
        ['HOLD_POST', 'OUT', 'USER'],
        ['DEPOSIT', 'IN', 'HOT_WALLET'],
      ],
    );
    assert.equal(second.body.nextCursor, null);
    assert.equal((await stack.api('GET', '/transactions?limit=1000', { token: a.token })).status, 400);
  });
});
