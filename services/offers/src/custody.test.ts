import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { signAccessToken } from '@pupero/shared/jwt';
import type { ServiceName } from '@pupero/shared/key-plan';
import type { SigningKey } from '@pupero/shared/keys';
import { createServiceTokenSigner } from '@pupero/shared/service-token';
import { jsonClient, testKeys, testSecret } from '@pupero/shared/testing';
import { ADDRESS } from '@pupero/test-stack/ledger';
import { setRole } from '@pupero/test-stack/login';
import { type OffersStack, sellOfferBody, startOffersStack } from '@pupero/test-stack/offers';

const OFFER = sellOfferBody({ maxAmount: '1' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Custody across the services' trust boundaries: what a token forged inside one container can do,
 * and how fast an access token ends when its account is deleted, changed or logged out everywhere.
 */
describe('custody: forged tokens and revoked sessions, on every service', () => {
  let stack: OffersStack;
  let keys: ReturnType<typeof testKeys>;
  before(async () => {
    stack = await startOffersStack();
    keys = testKeys(stack.keys);
  });
  after(() => stack.close());

  /** The same request straight to each service and through the gateway: the status of each. */
  const everywhere = async (token: string, userId: number) => {
    const withdrawal = { token, body: { address: ADDRESS, amount: '1' }, headers: { 'idempotency-key': `k-${Math.random()}` } };
    const answers = {
      login: await jsonClient(stack.login.url)('PUT', '/me', { token, body: { currentPassword: 'wrong', username: 'renamed' } }),
      offers: await jsonClient(stack.offersUrl)('POST', '/offers', { token, body: OFFER }),
      transactions: await jsonClient(transactionsUrl(stack))('POST', '/withdraw', withdrawal),
      transactionsRead: await jsonClient(transactionsUrl(stack))('GET', `/balances/${userId}`, { token }),
      gatewayOffers: await stack.api('POST', '/offers', { token, body: OFFER }),
      gatewayWithdraw: await stack.api('POST', '/withdraw', withdrawal),
      gatewayMe: await stack.api('PUT', '/auth/me', { token, body: { currentPassword: 'wrong', username: 'renamed' } }),
    };
    return Object.fromEntries(Object.entries(answers).map(([where, res]) => [where, `${res.status} ${res.body?.code}`]));
  };
  const refusedToken = /^401 (TOKEN_INVALID|TOKEN_REVOKED)$/;

  it('refuses an access token signed with any key or secret the gateway or the frontend holds, on every service', async () => {
    const user = await stack.signUp('fg');
    const identity = { userId: user.id, username: user.username, role: 'admin', version: 0 } as const;
    const claims = {
      role: 'admin',
      username: user.username,
      ver: 0,
      typ: 'access',
      sub: String(user.id),
      iss: 'pupero',
      aud: 'pupero-api',
    };
    const loginKid = keys.issuer.key.kid;
    const frontendKey = keys.signingKey('frontend');
    const asLogin = (key: SigningKey) => signAccessToken({ key, issuer: 'pupero', audience: 'pupero-api' }, identity, 60);
    const hmac = (secret: Buffer | string) => {
      const now = Math.floor(Date.now() / 1000);
      const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT', kid: loginKid })}.${base64url({ ...claims, iat: now, exp: now + 60 })}`;
      return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
    };
    const forged = {
      'frontend key': asLogin(frontendKey),
      'frontend key, login kid': asLogin({ key: frontendKey.key, kid: loginKid }),
      'HS256 with the public key (DER)': hmac(Buffer.from(stack.keys.accessToken.publicKey, 'base64')),
      'HS256 with the public key (text)': hmac(stack.keys.accessToken.publicKey),
      'HS256 with the frontend public key': hmac(stack.keys.services.frontend!.publicKey),
      'HS256 with a session secret': hmac(testSecret()),
    };
    for (const [label, token] of Object.entries(forged)) {
      const statuses = await everywhere(token, user.id);
      for (const [where, status] of Object.entries(statuses)) assert.match(status, refusedToken, `${label} at ${where}`);
    }
    assert.equal((await stack.api('GET', '/admin/ledger/summary', { token: forged['frontend key, login kid'] })).status, 401);
  });

  it("believes a service token only from the callers of each route, by each caller's own key", async () => {
    const [seller, buyer, third] = [await stack.signUp('sa'), await stack.signUp('sb'), await stack.signUp('sc')];
    await stack.fund(seller.id, '2');
    const call = (url: string, caller: ServiceName, key: SigningKey, callee: string) => {
      const token = createServiceTokenSigner(key, caller)(callee);
      return (method: string, path: string, body?: object) =>
        jsonClient(url)(method, path, { headers: { 'x-service-token': token }, ...(body ? { body } : {}) });
    };
    const hold = { key: 'h-1', account: `USER:${seller.id}`, counterparty: `USER:${buyer.id}`, amount: '1' };
    const deposit = { userId: third.id, txHash: 'ab'.repeat(32), subaddressIndex: 1, amount: '5' };
    const txUrl = transactionsUrl(stack);
    const own = (name: ServiceName) => keys.signingKey(name);
    // Every caller, with its own key and with the frontend's (the key a public container holds).
    for (const caller of ['login', 'offers', 'transactions', 'wallet-manager', 'frontend'] as const) {
      for (const [i, key] of [own(caller), own('frontend'), testKeys().signingKey(caller)].entries()) {
        const genuine = i === 0 || (caller === 'frontend' && i === 1);
        const tx = call(txUrl, caller, key, 'transactions');
        const holdStatus = (await tx('POST', '/holds', hold)).status;
        assert.equal(holdStatus, genuine && caller === 'offers' ? 201 : 403, `${caller} placing a hold (genuine: ${genuine})`);
        const depositStatus = (await tx('POST', '/deposits/credit', deposit)).status;
        assert.equal(
          depositStatus,
          genuine && caller === 'wallet-manager' ? 201 : 403,
          `${caller} crediting a deposit (genuine: ${genuine})`,
        );
        const verify = (
          await call(stack.login.url, caller, key, 'login')('POST', '/internal/2fa/verify', { userId: seller.id, ip: '127.0.0.1' })
        ).status;
        const mayVerify = genuine && (caller === 'offers' || caller === 'transactions');
        assert.equal(verify, mayVerify ? 200 : 403, `${caller} asking login for a TOTP check (genuine: ${genuine})`);
      }
    }
    // Offers, genuine, still cannot send a seller's coins anywhere but to the buyer named in the hold.
    const offers = call(txUrl, 'offers', own('offers'), 'transactions');
    const placed = (await offers('POST', '/holds', hold)).body;
    assert.equal((await offers('POST', `/holds/${placed.id}/post`, { to: `USER:${third.id}` })).status, 400);
    assert.equal((await offers('POST', '/holds', { ...hold, key: 'h-hot', account: 'HOT_WALLET' })).status, 400);
    assert.equal(
      (await offers('POST', '/transactions/transfer', { key: 't', from: 'HOT_WALLET', to: `USER:${third.id}`, amount: '1' })).status,
      404,
    );
  });

  it('ends an access token within a second of deletion, password change, demotion or "log out everywhere"', async () => {
    const [changed, demoted, everywhereUser, deleted] = [
      await stack.signUp('pw'),
      await stack.signUp('dm'),
      await stack.signUp('lo'),
      await stack.signUp('dl'),
    ];
    const adminToken = await stack.makeAdmin(demoted.username, demoted.password);
    const tokens = { changed: changed.token, demoted: adminToken, everywhere: everywhereUser.token, deleted: deleted.token };
    for (const [who, token] of Object.entries(tokens)) {
      assert.equal((await stack.api('POST', '/offers', { token, body: OFFER })).status, 201, `${who}'s token works before`);
    }
    assert.equal((await stack.api('GET', '/admin/ledger/summary', { token: adminToken })).status, 200);

    assert.equal(
      (
        await stack.api('PUT', '/auth/me', {
          token: changed.token,
          body: { currentPassword: changed.password, newPassword: 'another long password' },
        })
      ).status,
      200,
    );
    assert.equal((await stack.api('POST', '/auth/me/logout-all', { token: everywhereUser.token })).status, 204);
    assert.equal((await stack.api('DELETE', '/auth/me', { token: deleted.token, body: { password: deleted.password } })).status, 204);
    await setRole({ prisma: stack.login.prisma }, demoted.username, 'user');
    await sleep(1000);

    for (const [who, token] of Object.entries(tokens)) {
      const statuses = await everywhere(token, who === 'deleted' ? deleted.id : changed.id);
      for (const [where, status] of Object.entries(statuses)) assert.match(status, /^401 TOKEN_REVOKED$/, `${who}'s old token at ${where}`);
    }
    assert.equal((await stack.api('GET', '/admin/ledger/summary', { token: adminToken })).status, 401, 'the demoted admin');
    const fresh = await stack.api('POST', '/auth/login', { body: { identifier: demoted.username, password: demoted.password } });
    assert.equal((await stack.api('POST', '/offers', { token: fresh.body.accessToken, body: OFFER })).status, 201, 'a new login works');
    assert.equal((await stack.api('GET', '/admin/ledger/summary', { token: fresh.body.accessToken })).status, 403, 'as a user');
  });
});

function transactionsUrl(stack: OffersStack): string {
  return stack.offers.config.TRANSACTIONS_SERVICE_URL;
}
