import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { verifyAccessToken } from '@pupero/shared/jwt';
import { signingKeyFrom } from '@pupero/shared/keys';
import { createServiceTokenSigner } from '@pupero/shared/service-token';
import { oathtoolCode } from '@pupero/shared/testing';
import { startLogin, type TestLogin } from '@pupero/test-stack/login';

/**
 * Login throttling an attacker cannot turn against the owner, over the real login service and a
 * real MariaDB. The service's clock is this file's: Retry-After is honoured by moving it, never by
 * sleeping. Client addresses come from X-Forwarded-For, which login believes from loopback (as
 * from the gateway).
 */
let ms = Math.floor(Date.now() / 1000) * 1000;
const seconds = () => Math.floor(ms / 1000);
const advance = (s: number) => {
  ms += s * 1000;
};

describe('login throttling: growing delays, device tokens, signed-in checks apart', () => {
  let svc: TestLogin;
  before(async () => {
    svc = await startLogin({}, { now: () => new Date(ms) });
  });
  after(() => svc.close());

  let n = 0;
  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const login = (ip: string, body: Record<string, unknown>) => svc.api('POST', '/login', { headers: from(ip), body });
  async function signedUp(prefix: string) {
    n += 1;
    const account = {
      email: `${prefix}${n}_${process.pid}@example.test`,
      username: `${prefix}${n}_${process.pid}`,
      password: 'a long enough password',
    };
    const user = (await svc.api('POST', '/register', { body: account })).body;
    const session = (await login('198.51.100.200', { identifier: account.username, password: account.password })).body;
    return { ...account, id: user.id as number, token: session.accessToken as string, deviceToken: session.deviceToken as string };
  }
  async function withTwoFactor(user: { token: string; password: string }) {
    const { secret } = (await svc.api('POST', '/2fa/enable', { token: user.token, body: { password: user.password } })).body;
    const on = await svc.api('POST', '/2fa/confirm', {
      token: user.token,
      body: { password: user.password, totp: await oathtoolCode(secret, seconds() - 30) },
    });
    assert.equal(on.status, 200);
    return secret as string;
  }
  /** POST /internal/2fa/verify as transactions (withdrawals) or offers (releases) call it, with their own service token. */
  function verifyAs(caller: 'transactions' | 'offers') {
    const key = signingKeyFrom(svc.keys.services[caller]?.privateKey ?? '');
    const token = createServiceTokenSigner(key, caller)('login');
    return (body: { userId: number; totp?: string }) =>
      svc.api('POST', '/internal/2fa/verify', { headers: { 'x-service-token': token }, body: { ...body, ip: '192.0.2.99' } });
  }
  const retryAfter = (res: { headers: Headers }) => Number(res.headers.get('retry-after'));

  it('strangers failing logins on many accounts and on the victim do not hold up the victim, from a known device or signed in', async () => {
    const victim = await signedUp('victim');
    const secret = await withTwoFactor(victim);
    advance(300);

    const attacker = '203.0.113.66';
    const sprayed: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      sprayed.push((await login(attacker, { identifier: `random_${randomUUID().slice(0, 8)}`, password: 'guess guess' })).status);
    }
    // LOGIN_MAX_ACCOUNTS_PER_ADDRESS (10) distinct accounts may fail from one address per window.
    assert.deepEqual(sprayed, [...Array(10).fill(401), ...Array(20).fill(429)]);
    const refused = await login(attacker, { identifier: 'someone_new', password: 'guess again' });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, 'TOO_MANY_REQUESTS');
    assert.equal(retryAfter(refused), 900, 'until the oldest of those failures leaves the 15-minute window');

    const other = '192.0.2.5';
    const wrong = () => login(other, { identifier: victim.username, password: 'not the password' });
    const onVictim = [(await wrong()).status, (await wrong()).status, (await wrong()).status, (await wrong()).status];
    assert.deepEqual(onVictim, [401, 401, 401, 401], 'three free failures, and the fourth costs the next try 1 s');
    const early = await wrong();
    assert.equal(early.status, 429);
    assert.equal(retryAfter(early), 1);
    advance(1);
    assert.equal((await wrong()).status, 401, 'the fifth failure, after the wait');
    assert.equal(retryAfter(await wrong()), 2, 'and the wait doubles');

    // Right now, without waiting: untrusted clients of the victim's account are refused there...
    const untrusted = await login(attacker, { identifier: victim.username, password: victim.password });
    assert.equal(untrusted.status, 429);
    // ...but the victim's own device logs in, even from the attacker's address,
    const known = await login(attacker, {
      identifier: victim.username,
      password: victim.password,
      totp: await oathtoolCode(secret, seconds() - 30),
      deviceToken: victim.deviceToken,
    });
    assert.equal(known.status, 200, JSON.stringify(known.body));
    assert.equal(deviceIdOf(known.body.deviceToken), deviceIdOf(victim.deviceToken), 'the same device, its token renewed');
    const fromOther = await login(other, { identifier: victim.username, password: victim.password, deviceToken: victim.deviceToken });
    assert.equal(fromOther.body.code, 'TOTP_REQUIRED', 'and from the other address: past the throttle, asked for the code');
    // ...and the victim's withdrawal and release codes pass at once.
    const withdrawal = await verifyAs('transactions')({ userId: victim.id, totp: await oathtoolCode(secret, seconds()) });
    assert.equal(withdrawal.status, 200, JSON.stringify(withdrawal.body));
    assert.deepEqual(withdrawal.body, { required: true });
    const release = await verifyAs('offers')({ userId: victim.id, totp: await oathtoolCode(secret, seconds() + 30) });
    assert.equal(release.status, 200, JSON.stringify(release.body));

    // Retry-After is honoured: once it has passed, the attacker's address may try again.
    advance(retryAfter(await login(attacker, { identifier: 'someone_new', password: 'guess again' })));
    assert.equal((await login(attacker, { identifier: 'someone_new', password: 'guess again' })).status, 401);
  });

  it('gives an untrusted client growing delays, never a lock, per address and across addresses', async () => {
    const owner = await signedUp('owner');
    const ip = '192.0.2.30';
    const attempt = (password: string, at = ip) => login(at, { identifier: owner.username, password });
    for (let i = 0; i < 3; i += 1) assert.equal((await attempt('wrong password')).status, 401);
    const waits: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      assert.equal((await attempt('wrong password')).status, 401);
      const refused = await attempt('wrong password');
      assert.equal(refused.status, 429);
      waits.push(retryAfter(refused));
      // Hammering the 429 writes nothing, so it never lengthens the wait.
      for (let j = 0; j < 3; j += 1) await attempt('wrong password');
      assert.equal(retryAfter(await attempt(owner.password)), waits.at(-1), 'even the right password waits, no longer than said');
      advance(waits.at(-1) ?? 0);
    }
    assert.deepEqual(waits, [1, 2, 4, 8, 16]);
    assert.equal((await attempt(owner.password)).status, 200, 'after the wait the owner gets in');

    // Distributed guessing: LOGIN_ACCOUNT_FREE_FAILURES (20) across all addresses, then growing delays for untrusted clients.
    const spread = await signedUp('spread');
    for (let i = 0; i < 21; i += 1) {
      assert.equal((await login(`198.18.0.${i + 1}`, { identifier: spread.username, password: 'wrong password' })).status, 401);
    }
    const elsewhere = await login('198.18.1.1', { identifier: spread.username, password: spread.password });
    assert.equal(elsewhere.status, 429);
    assert.equal(retryAfter(elsewhere), 1);
    const device = await login('198.18.1.1', { identifier: spread.username, password: spread.password, deviceToken: spread.deviceToken });
    assert.equal(device.status, 200, 'a device that logged in before is not held up');
    advance(1);
    assert.equal((await login('198.18.1.1', { identifier: spread.username, password: spread.password })).status, 200);
  });

  it("counts a device's own failures against it alone, and never trusts a device token for another account or as an access token", async () => {
    const owner = await signedUp('device');
    const stranger = await signedUp('stranger');
    const ip = '192.0.2.40';
    const withDevice = (password: string) => login(ip, { identifier: owner.username, password, deviceToken: owner.deviceToken });
    for (let i = 0; i < 4; i += 1) assert.equal((await withDevice('wrong password')).status, 401);
    const waiting = await withDevice(owner.password);
    assert.equal(waiting.status, 429, 'the device waits after its own failures');
    assert.equal(retryAfter(waiting), 1);
    const failures = await svc.prisma.auditLog.findMany({ where: { action: 'LOGIN_FAILED', userId: owner.id } });
    assert.equal(failures.length, 4);
    for (const failure of failures) assert.deepEqual(failure.details, { reason: 'password', device: deviceIdOf(owner.deviceToken) });
    assert.equal(
      (await login(ip, { identifier: owner.username, password: owner.password })).status,
      200,
      "the device's failures do not count against other clients",
    );

    const borrowed = (password: string) => login('192.0.2.41', { identifier: owner.username, password, deviceToken: stranger.deviceToken });
    for (let i = 0; i < 4; i += 1) assert.equal((await borrowed('wrong password')).status, 401);
    assert.equal((await borrowed(owner.password)).status, 429, "another account's device token is no device of this account");
    assert.equal(await svc.prisma.auditLog.count({ where: { action: 'LOGIN_FAILED', userId: owner.id, ip: '192.0.2.41' } }), 4);

    assert.throws(() => verifyAccessToken(svc.deps.tokens, owner.deviceToken), { code: 'TOKEN_INVALID' });
    const asBearer = await svc.api('GET', '/me', { token: owner.deviceToken });
    assert.equal(asBearer.status, 401);
    assert.equal(asBearer.body.code, 'TOKEN_INVALID');
    const forged = `${owner.deviceToken.slice(0, -4)}AAAA`;
    const withForged = await login('192.0.2.42', { identifier: owner.username, password: owner.password, deviceToken: forged });
    assert.equal(withForged.status, 200, 'a bad device token is ignored, not an error');
    assert.notEqual(deviceIdOf(withForged.body.deviceToken), deviceIdOf(owner.deviceToken), 'and the client gets a new device');
  });

  it('keeps signed-in checks and logins apart: wrong codes throttle only the signed-in checks, failed logins only logins', async () => {
    const user = await signedUp('apart');
    const bystander = await signedUp('bystander');
    const secret = await withTwoFactor(user);
    const bystanderSecret = await withTwoFactor(bystander);
    advance(60);
    const verify = verifyAs('transactions');
    const valid = await oathtoolCode(secret, seconds());
    for (let i = 0; i < 6; i += 1) {
      const guess = String((Number(valid) + 1 + i) % 1_000_000).padStart(6, '0');
      assert.equal((await verify({ userId: user.id, totp: guess })).body.code, 'TOTP_INVALID');
    }
    const held = await verify({ userId: user.id, totp: valid });
    assert.equal(held.status, 429);
    assert.equal(retryAfter(held), 1);
    assert.equal(await svc.prisma.auditLog.count({ where: { action: 'SECOND_FACTOR_FAILED', userId: user.id } }), 6);
    const other = await verifyAs('offers')({ userId: bystander.id, totp: await oathtoolCode(bystanderSecret, seconds()) });
    assert.equal(other.status, 200, "another user's checks are untouched");
    const loggedIn = await login('192.0.2.50', { identifier: user.username, password: user.password, totp: valid });
    assert.equal(loggedIn.status, 200, 'the login is untouched by wrong codes in signed-in checks');
    advance(1);
    assert.equal((await verify({ userId: user.id, totp: await oathtoolCode(secret, seconds() + 30) })).status, 200, 'after the wait');

    // Wrong current passwords count with the codes, under the same throttle.
    const change = (currentPassword: string) =>
      svc.api('PUT', '/me', { token: loggedIn.body.accessToken, body: { currentPassword, username: `${user.username}_x` } });
    assert.equal((await change('not my password')).status, 401);
    const wait = await change(user.password);
    assert.equal(wait.status, 429);
    assert.equal(retryAfter(wait), 2, 'the seventh wrong answer doubles the wait');
    assert.equal(await svc.prisma.auditLog.count({ where: { action: 'SESSION_PASSWORD_FAILED', userId: user.id } }), 1);

    // And the other way round: failed logins hold up logins from that address, never the signed-in checks.
    const ip = '192.0.2.51';
    for (let i = 0; i < 4; i += 1)
      assert.equal((await login(ip, { identifier: bystander.username, password: 'wrong password' })).status, 401);
    assert.equal((await login(ip, { identifier: bystander.username, password: bystander.password })).status, 429);
    const release = await verifyAs('offers')({ userId: bystander.id, totp: await oathtoolCode(bystanderSecret, seconds() + 30) });
    assert.equal(release.status, 200, 'the release code passes at once');
    const rename = await svc.api('PUT', '/me', {
      token: bystander.token,
      body: { currentPassword: bystander.password, username: `${bystander.username}_x` },
    });
    assert.equal(rename.status, 200, 'and so does the current password');
  });

  it('asks for the current password to enable, confirm and disable two-factor; a wrong one counts as a signed-in failure', async () => {
    const user = await signedUp('tfa');
    const { token, password } = user;
    const post = (path: string, body?: object) => svc.api('POST', path, { token, ...(body ? { body } : {}) });
    assert.equal((await post('/2fa/enable')).status, 400, 'no body: no password');
    assert.equal((await post('/2fa/enable', {})).body.code, 'VALIDATION_FAILED');
    const wrongEnable = await post('/2fa/enable', { password: 'not my password' });
    assert.equal(wrongEnable.status, 401);
    assert.equal(wrongEnable.body.code, 'INVALID_CREDENTIALS');
    assert.equal((await svc.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).totpPendingSecret, null, 'nothing started');
    const enrollment = await post('/2fa/enable', { password });
    assert.equal(enrollment.status, 200);
    const { secret } = enrollment.body;

    const code = await oathtoolCode(secret, seconds());
    assert.equal((await post('/2fa/confirm', { totp: code })).status, 400);
    assert.equal((await post('/2fa/confirm', { password: 'not my password', totp: code })).status, 401);
    assert.equal((await svc.api('GET', '/me', { token })).body.twoFactorEnabled, false);
    assert.equal((await post('/2fa/confirm', { password, totp: code })).status, 200, 'the code was not spent by the refusals');

    advance(30);
    const next = await oathtoolCode(secret, seconds());
    assert.equal((await post('/2fa/disable', { totp: next })).status, 400);
    const wrongDisable = await post('/2fa/disable', { password: 'not my password', totp: next });
    assert.equal(wrongDisable.body.code, 'INVALID_CREDENTIALS');
    assert.equal((await svc.api('GET', '/me', { token })).body.twoFactorEnabled, true);
    const off = await post('/2fa/disable', { password, totp: next });
    assert.equal(off.status, 200);
    assert.equal(off.body.twoFactorEnabled, false);
    assert.equal(await svc.prisma.auditLog.count({ where: { action: 'SESSION_PASSWORD_FAILED', userId: user.id } }), 3);
    assert.equal(await svc.prisma.auditLog.count({ where: { action: 'LOGIN_FAILED', userId: user.id } }), 0, 'never a failed login');
  });
});

/** The device id a device token carries (its payload, read without verifying: the service verifies). */
function deviceIdOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).did;
}
