import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { oathtoolCode } from '@pupero/shared/testing';
import { newAccount, startStack, type TestStack } from '@pupero/test-stack/gateway';

/** Accounts end to end through the gateway: the public contract of the Foundation issue. */
describe('accounts through the gateway', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('registers, logs in, reads /me, refreshes and logs out', async () => {
    const { api } = stack;
    const account = newAccount();
    const registered = await api('POST', '/auth/register', { body: account });
    assert.equal(registered.status, 201);
    assert.deepEqual(Object.keys(registered.body).sort(), ['createdAt', 'email', 'id', 'role', 'twoFactorEnabled', 'username']);
    assert.equal(registered.body.role, 'user');

    const login = await api('POST', '/auth/login', { body: { identifier: account.username, password: account.password } });
    assert.equal(login.status, 200);
    assert.equal(login.body.expiresIn, 900);
    assert.equal(login.body.user.id, registered.body.id);
    assert.ok(login.headers.get('x-request-id'), 'the gateway sets a request id');

    const byEmail = await api('POST', '/auth/login', { body: { identifier: account.email.toUpperCase(), password: account.password } });
    assert.equal(byEmail.status, 200, 'the email works as identifier, case-insensitively');

    const me = await api('GET', '/auth/me', { token: login.body.accessToken });
    assert.equal(me.status, 200);
    assert.equal(me.body.username, account.username);

    const refreshed = await api('POST', '/auth/token/refresh', { body: { refreshToken: login.body.refreshToken } });
    assert.equal(refreshed.status, 200);
    assert.notEqual(refreshed.body.refreshToken, login.body.refreshToken, 'the refresh token rotates');
    assert.equal((await api('GET', '/auth/me', { token: refreshed.body.accessToken })).status, 200);

    assert.equal((await api('POST', '/auth/logout', { body: { refreshToken: refreshed.body.refreshToken } })).status, 204);
    const afterLogout = await api('POST', '/auth/token/refresh', { body: { refreshToken: refreshed.body.refreshToken } });
    assert.equal(afterLogout.status, 401);
    assert.equal(afterLogout.body.code, 'REFRESH_TOKEN_INVALID');
  });

  it('revokes the whole token family when a rotated refresh token is reused', async () => {
    const { api } = stack;
    const account = newAccount();
    await api('POST', '/auth/register', { body: account });
    const login = await api('POST', '/auth/login', { body: { identifier: account.username, password: account.password } });
    const first = login.body.refreshToken;
    const second = (await api('POST', '/auth/token/refresh', { body: { refreshToken: first } })).body.refreshToken;
    const third = (await api('POST', '/auth/token/refresh', { body: { refreshToken: second } })).body.refreshToken;

    const reuse = await api('POST', '/auth/token/refresh', { body: { refreshToken: first } });
    assert.equal(reuse.status, 401);
    assert.equal(reuse.body.code, 'REFRESH_TOKEN_REUSED');

    const latest = await api('POST', '/auth/token/refresh', { body: { refreshToken: third } });
    assert.equal(latest.status, 401, 'the newest token of the family is revoked too');

    const other = await api('POST', '/auth/login', { body: { identifier: account.username, password: account.password } });
    assert.equal(
      (await api('POST', '/auth/token/refresh', { body: { refreshToken: other.body.refreshToken } })).status,
      200,
      'another login is untouched',
    );
    const audit = await stack.login.prisma.auditLog.count({ where: { action: 'REFRESH_TOKEN_REUSED', userId: login.body.user.id } });
    assert.equal(audit, 1);
  });

  it('turns on 2FA with a code from oathtool; then login needs a code and refuses a replay', async () => {
    const { api } = stack;
    const account = newAccount();
    await api('POST', '/auth/register', { body: account });
    const { accessToken } = (await api('POST', '/auth/login', { body: { identifier: account.username, password: account.password } })).body;

    const enrollment = await api('POST', '/auth/2fa/enable', { token: accessToken, body: { password: account.password } });
    assert.equal(enrollment.status, 200);
    assert.match(enrollment.body.secret, /^[A-Z2-7]+=*$/);
    assert.match(enrollment.body.otpauthUrl, /^otpauth:\/\/totp\/.+secret=/);
    assert.match(enrollment.body.qrDataUrl, /^data:image\/png;base64,/);

    const now = Math.floor(Date.now() / 1000);
    const confirmCode = await oathtoolCode(enrollment.body.secret, now);
    const confirmed = await api('POST', '/auth/2fa/confirm', {
      token: accessToken,
      body: { password: account.password, totp: confirmCode },
    });
    assert.equal(confirmed.status, 200);
    assert.equal(confirmed.body.twoFactorEnabled, true);

    const withoutCode = await api('POST', '/auth/login', { body: { identifier: account.username, password: account.password } });
    assert.equal(withoutCode.status, 401);
    assert.equal(withoutCode.body.code, 'TOTP_REQUIRED');

    const wrong = await api('POST', '/auth/login', {
      body: { identifier: account.username, password: account.password, totp: confirmCode === '000000' ? '111111' : '000000' },
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, 'TOTP_INVALID');

    const replayOfConfirm = await api('POST', '/auth/login', {
      body: { identifier: account.username, password: account.password, totp: confirmCode },
    });
    assert.equal(replayOfConfirm.body.code, 'TOTP_INVALID', 'the code used to confirm cannot log in');

    // The next 30-second step is inside the ±1 step window.
    const nextCode = await oathtoolCode(enrollment.body.secret, now + 30);
    const withCode = await api('POST', '/auth/login', {
      body: { identifier: account.username, password: account.password, totp: nextCode },
    });
    assert.equal(withCode.status, 200);
    assert.equal(withCode.body.user.twoFactorEnabled, true);

    const replay = await api('POST', '/auth/login', { body: { identifier: account.username, password: account.password, totp: nextCode } });
    assert.equal(replay.status, 401);
    assert.equal(replay.body.code, 'TOTP_INVALID');
  });

  it('answers 429 with Retry-After to repeated wrong passwords from one address, even when the right one follows', async () => {
    const { api } = stack;
    const account = newAccount();
    await api('POST', '/auth/register', { body: account });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      statuses.push((await api('POST', '/auth/login', { body: { identifier: account.username, password: `wrong password ${i}` } })).status);
    }
    // Three free failures; the fourth makes the next try wait (growing delays, LOGIN_FREE_FAILURES).
    assert.deepEqual(statuses, [401, 401, 401, 401, 429, 429, 429]);
    const right = await api('POST', '/auth/login', { body: { identifier: account.username, password: account.password } });
    assert.equal(right.status, 429);
    assert.equal(right.body.code, 'TOO_MANY_REQUESTS');
    assert.ok(Number(right.headers.get('retry-after')) > 0);
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const { api } = stack;
    const account = newAccount();
    await api('POST', '/auth/register', { body: account });
    const unknown = await api('POST', '/auth/login', { body: { identifier: 'nobody_here_at_all', password: 'whatever it is' } });
    const wrong = await api('POST', '/auth/login', { body: { identifier: account.username, password: 'not the password' } });
    assert.equal(unknown.status, 401);
    assert.deepEqual(unknown.body, wrong.body);
  });

  it('refuses protected routes without a valid token, at the gateway', async () => {
    const { api } = stack;
    const none = await api('GET', '/auth/me');
    assert.equal(none.status, 401);
    assert.deepEqual(Object.keys(none.body).sort(), ['code', 'message', 'statusCode']);
    const forged = await api('GET', '/auth/me', { token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.' });
    assert.equal(forged.status, 401);
    assert.equal(forged.body.code, 'TOKEN_INVALID');
  });

  it('never routes internal paths', async () => {
    const { api } = stack;
    for (const path of ['/auth/internal/users/1', '/internal/anything', '/auth/%69nternal/x']) {
      const res = await api('GET', path);
      assert.equal(res.status, 404, path);
      assert.equal(res.body.code, 'NOT_FOUND');
    }
  });
});
