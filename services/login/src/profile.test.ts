import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { oathtoolCode } from '@pupero/shared/testing';
import { startLogin, type TestLogin } from '@pupero/test-stack/login';

let seconds = Math.floor(Date.now() / 1000);
/** Moves the service's clock a whole TOTP step on, so each test can use fresh codes. */
const nextStep = () => {
  seconds += 60;
  return seconds;
};

describe('login service: profile, deletion, two-factor off, roles, audit', () => {
  let svc: TestLogin;
  before(async () => {
    svc = await startLogin({}, { now: () => new Date(seconds * 1000) });
  });
  after(() => svc.close());

  let n = 0;
  async function signedUp() {
    n += 1;
    const account = { email: `p${n}_${process.pid}@example.test`, username: `p${n}_${process.pid}`, password: 'a long enough password' };
    const user = (await svc.api('POST', '/register', { body: account })).body;
    const session = (await svc.api('POST', '/login', { body: { identifier: account.username, password: account.password } })).body;
    return { account, user, session };
  }

  it('changes email, username and password only with the current password; a new password ends other sessions', async () => {
    const { account, session } = await signedUp();
    const token = session.accessToken;
    const wrong = await svc.api('PUT', '/me', { token, body: { currentPassword: 'not it', username: 'renamed_x' } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, 'INVALID_CREDENTIALS');

    const nothing = await svc.api('PUT', '/me', { token, body: { currentPassword: account.password } });
    assert.equal(nothing.status, 400);

    const renamed = await svc.api('PUT', '/me', {
      token,
      body: {
        currentPassword: account.password,
        username: `${account.username}r`,
        email: `R${account.email}`,
        newPassword: 'another long password',
      },
    });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.username, `${account.username}r`);
    assert.equal(renamed.body.email, `r${account.email}`, 'emails are stored lower-case');

    const oldRefresh = await svc.api('POST', '/token/refresh', { body: { refreshToken: session.refreshToken } });
    assert.equal(oldRefresh.status, 401, 'sessions from before the password change are revoked');
    const oldPassword = await svc.api('POST', '/login', { body: { identifier: `${account.username}r`, password: account.password } });
    assert.equal(oldPassword.status, 401);
    const newPassword = await svc.api('POST', '/login', {
      body: { identifier: `${account.username}r`, password: 'another long password' },
    });
    assert.equal(newPassword.status, 200);
  });

  it('refuses a username or email that is taken, case-insensitively', async () => {
    const first = await signedUp();
    const second = await signedUp();
    const clash = await svc.api('PUT', '/me', {
      token: second.session.accessToken,
      body: { currentPassword: second.account.password, username: first.account.username.toUpperCase() },
    });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.code, 'CONFLICT');
    const again = await svc.api('POST', '/register', { body: { ...first.account, username: 'someone_else' } });
    assert.equal(again.status, 409);
  });

  it('turns two-factor off with a valid code only, and records every 2FA change', async () => {
    const { account, user, session } = await signedUp();
    const token = session.accessToken;
    const { password } = account;
    const { secret } = (await svc.api('POST', '/2fa/enable', { token, body: { password } })).body;
    assert.equal(
      (await svc.api('POST', '/2fa/confirm', { token, body: { password, totp: await oathtoolCode(secret, seconds) } })).status,
      200,
    );
    assert.equal((await svc.api('POST', '/2fa/enable', { token, body: { password } })).status, 409, 'already on');

    const wrong = await svc.api('POST', '/2fa/disable', { token, body: { password, totp: '123456' } });
    assert.equal(wrong.status, 401);
    const off = await svc.api('POST', '/2fa/disable', { token, body: { password, totp: await oathtoolCode(secret, nextStep()) } });
    assert.equal(off.status, 200);
    assert.equal(off.body.twoFactorEnabled, false);
    assert.equal((await svc.api('GET', '/me', { token })).body.twoFactorEnabled, false);

    const actions = await svc.prisma.auditLog.findMany({ where: { userId: user.id }, orderBy: { id: 'asc' }, select: { action: true } });
    assert.deepEqual(
      actions.map((a) => a.action),
      ['REGISTERED', 'LOGIN', 'TOTP_ENABLE_STARTED', 'TOTP_ENABLED', 'SECOND_FACTOR_FAILED', 'TOTP_DISABLED'],
    );
  });

  it('throttles guessing of TOTP codes and current passwords in signed-in checks, with a growing delay', async () => {
    const { account, session } = await signedUp();
    const token = session.accessToken;
    const { password } = account;
    const { secret } = (await svc.api('POST', '/2fa/enable', { token, body: { password } })).body;
    await svc.api('POST', '/2fa/confirm', { token, body: { password, totp: await oathtoolCode(secret, nextStep()) } });
    const valid = await oathtoolCode(secret, nextStep());
    const guesses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const guess = String((Number(valid) + 1 + i) % 1_000_000).padStart(6, '0');
      guesses.push((await svc.api('POST', '/2fa/disable', { token, body: { password, totp: guess } })).status);
    }
    // SIGNED_IN_FREE_FAILURES (5) cost nothing; the sixth wrong code makes the next check wait 1 s.
    assert.deepEqual(guesses, [401, 401, 401, 401, 401, 401, 429]);
    const waiting = await svc.api('POST', '/2fa/disable', { token, body: { password, totp: valid } });
    assert.equal(waiting.status, 429, 'even the right code waits');
    assert.equal(waiting.headers.get('retry-after'), '1');
    const change = await svc.api('PUT', '/me', { token, body: { currentPassword: password, username: 'throttled_x' } });
    assert.equal(change.status, 429, 'and so does the current-password check');
  });

  it('asks for the password and, when 2FA is on, a code before deleting an account; alone, it refuses to delete', async () => {
    const { account, user, session } = await signedUp();
    const token = session.accessToken;
    const { password } = account;
    const { secret } = (await svc.api('POST', '/2fa/enable', { token, body: { password } })).body;
    await svc.api('POST', '/2fa/confirm', { token, body: { password, totp: await oathtoolCode(secret, nextStep()) } });

    const noCode = await svc.api('DELETE', '/me', { token, body: { password: account.password } });
    assert.equal(noCode.status, 401);
    assert.equal(noCode.body.code, 'TOTP_REQUIRED');
    const wrongPassword = await svc.api('DELETE', '/me', {
      token,
      body: { password: 'nope', totp: await oathtoolCode(secret, nextStep()) },
    });
    assert.equal(wrongPassword.status, 401);

    // Only the ledger and the offers service know the account's coins and trades; this login runs
    // without them, so it cannot check and does not delete (the deletion itself: offers' account-deletion test).
    const unchecked = await svc.api('DELETE', '/me', {
      token,
      body: { password: account.password, totp: await oathtoolCode(secret, nextStep()) },
    });
    assert.equal(unchecked.status, 503);
    assert.equal(unchecked.body.code, 'SERVICE_UNAVAILABLE');
    assert.equal(await svc.prisma.user.count({ where: { id: user.id } }), 1);
    assert.equal((await svc.api('GET', '/me', { token })).status, 200, 'the account and its session are untouched');
  });

  it('sets a role with the documented command; the next token carries it', async () => {
    const { account, user } = await signedUp();
    const script = fileURLToPath(new URL('./scripts/set-role.ts', import.meta.url));
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
        env: { ...process.env, DATABASE_URL: svc.db.url },
        encoding: 'utf8',
      });

    const bad = run(account.username, 'emperor');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /usage/);
    const unknown = run('nobody_like_this', 'admin');
    assert.equal(unknown.status, 1);

    const ok = run(account.username, 'moderator');
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), `${account.username}: user -> moderator`);
    const login = await svc.api('POST', '/login', { body: { identifier: account.username, password: account.password } });
    assert.equal(login.body.user.role, 'moderator');
    const audit = await svc.prisma.auditLog.findFirst({ where: { userId: user.id, action: 'ROLE_CHANGED' } });
    assert.deepEqual(audit?.details, { from: 'user', to: 'moderator', by: 'cli' });
  });

  it('stores passwords as argon2id with at least the OWASP parameters, and audits failed logins', async () => {
    const { account, user } = await signedUp();
    const stored = await svc.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    const params = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored.passwordHash);
    assert.ok(params, stored.passwordHash.slice(0, 30));
    assert.ok(Number(params[1]) >= 19456 && Number(params[2]) >= 2 && Number(params[3]) >= 1);

    await svc.api('POST', '/login', { body: { identifier: account.username, password: 'wrong password' } });
    const failed = await svc.prisma.auditLog.findFirst({ where: { userId: user.id, action: 'LOGIN_FAILED' } });
    assert.equal(failed?.ip, '127.0.0.1');
    assert.deepEqual(failed?.details, { reason: 'password' });
  });
});
