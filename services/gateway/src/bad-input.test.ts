import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newAccount, startStack, type TestStack } from '@pupero/test-stack/gateway';

/**
 * Every login route, through the gateway, gets input no client should send: never a 5xx, always
 * the common error shape, and nothing stored.
 */
const huge = 'x'.repeat(100_000);
const injections = [
  "' OR '1'='1",
  "admin'--",
  '"; DROP TABLE users; --',
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell probe, meant literally
  '${jndi:ldap://x}',
  '../../etc/passwd',
  '\u0000',
  '%00',
  '{"$gt":""}',
];
const wrongTypes = [null, 0, 1.5, true, [], {}, ['a'], -1];

function variants(valid: Record<string, unknown>): unknown[] {
  const out: unknown[] = [{}, [], 'string', 42, null];
  for (const key of Object.keys(valid)) {
    const { [key]: _dropped, ...missing } = valid;
    out.push(missing);
    for (const value of [...wrongTypes, huge, ...injections]) out.push({ ...valid, [key]: value });
  }
  out.push({ ...valid, isAdmin: true }, { ...valid, role: 'admin' }, { ...valid, __proto__: { role: 'admin' } });
  return out;
}

describe('bad input to every login route, through the gateway', () => {
  let stack: TestStack;
  let token: string;
  before(async () => {
    stack = await startStack({
      loginEnv: {
        LOGIN_FREE_FAILURES: '100000',
        LOGIN_ACCOUNT_FREE_FAILURES: '100000',
        LOGIN_MAX_ACCOUNTS_PER_ADDRESS: '1000000',
        SIGNED_IN_FREE_FAILURES: '100000',
      },
      gatewayEnv: { AUTH_RATE_LIMIT_MAX: '1000000', RATE_LIMIT_MAX: '1000000' },
    });
    const account = newAccount('fz');
    await stack.api('POST', '/auth/register', { body: account });
    token = (await stack.api('POST', '/auth/login', { body: { identifier: account.username, password: account.password } })).body
      .accessToken;
  });
  after(() => stack.close());

  const routes: { method: string; path: string; valid: Record<string, unknown>; auth?: boolean }[] = [
    {
      method: 'POST',
      path: '/auth/register',
      valid: { email: 'fuzz@example.test', username: 'fuzz_user', password: 'long enough password' },
    },
    {
      method: 'POST',
      path: '/auth/login',
      valid: { identifier: 'fuzz_user', password: 'long enough password', totp: '123456', rememberMe: true, deviceToken: 'a.b.c' },
    },
    { method: 'POST', path: '/auth/token/refresh', valid: { refreshToken: 'abc' } },
    { method: 'POST', path: '/auth/logout', valid: { refreshToken: 'abc' } },
    {
      method: 'PUT',
      path: '/auth/me',
      valid: { currentPassword: 'x', username: 'fuzz_two', email: 'f2@example.test', newPassword: 'another long password' },
      auth: true,
    },
    { method: 'DELETE', path: '/auth/me', valid: { password: 'wrong but well-formed', totp: '123456' }, auth: true },
    { method: 'POST', path: '/auth/2fa/enable', valid: { password: 'wrong but well-formed' }, auth: true },
    { method: 'POST', path: '/auth/2fa/confirm', valid: { password: 'wrong but well-formed', totp: '123456' }, auth: true },
    { method: 'POST', path: '/auth/2fa/disable', valid: { password: 'wrong but well-formed', totp: '123456' }, auth: true },
  ];

  it('never answers 5xx, always in the common shape, and stores nothing', async () => {
    const prisma = stack.login.prisma;
    const before = { users: await prisma.user.count(), tokens: await prisma.refreshToken.count() };
    const seen = new Map<number, number>();
    for (const route of routes) {
      for (const body of variants(route.valid)) {
        const res = await stack.api(route.method, route.path, { body, ...(route.auth ? { token } : {}) });
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        assert.ok(
          res.status < 500,
          `${route.method} ${route.path} ${JSON.stringify(body).slice(0, 120)} → ${res.status} ${JSON.stringify(res.body)}`,
        );
        if (res.status >= 400) {
          assert.equal(res.body.statusCode, res.status);
          assert.equal(typeof res.body.code, 'string');
          assert.equal(typeof res.body.message, 'string');
        }
      }
    }
    const afterward = { users: await prisma.user.count(), tokens: await prisma.refreshToken.count() };
    // The one well-formed registration of the sweep is the only thing allowed to be stored.
    const registeredBySweep = await prisma.user.count({ where: { username: 'fuzz_user' } });
    assert.deepEqual(afterward, {
      users: before.users + registeredBySweep,
      tokens: before.tokens + (await prisma.refreshToken.count({ where: { user: { username: 'fuzz_user' } } })),
    });
    assert.ok(registeredBySweep <= 1);
    assert.equal(await prisma.user.count({ where: { role: { not: 'user' } } }), 0, 'no one became an admin');
    assert.ok((seen.get(400) ?? 0) > 100, `most answers are 400s: ${JSON.stringify([...seen])}`);
  });

  it('answers malformed JSON, a wrong content type and an oversized body with 4xx in the common shape', async () => {
    const cases: { rawBody: string; headers: Record<string, string> }[] = [
      { rawBody: '{"identifier": "a", ', headers: {} },
      { rawBody: 'identifier=a&password=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      { rawBody: 'plain', headers: { 'content-type': 'text/plain' } },
      { rawBody: JSON.stringify({ identifier: 'a', password: 'x'.repeat(300_000) }), headers: {} },
      { rawBody: '', headers: {} },
    ];
    for (const c of cases) {
      const res = await stack.api('POST', '/auth/login', c);
      assert.ok(res.status >= 400 && res.status < 500, `${c.rawBody.slice(0, 30)} → ${res.status}`);
      assert.equal(res.body.statusCode, res.status);
      assert.equal(typeof res.body.code, 'string');
    }
  });

  it('answers a malformed URL with 400 in the common shape', async () => {
    for (const path of ['/auth/%', '/auth/%E0%A4%A']) {
      const res = await stack.api('GET', path);
      assert.equal(res.status, 400, path);
      assert.deepEqual(Object.keys(res.body).sort(), ['code', 'message', 'statusCode']);
    }
  });

  it('keeps password hashes and TOTP secrets out of every response', async () => {
    const account = newAccount('leak');
    const bodies: string[] = [];
    const record = async (method: string, path: string, options = {}) => {
      const res = await stack.api(method, path, options);
      bodies.push(JSON.stringify(res.body));
      return res;
    };
    await record('POST', '/auth/register', { body: account });
    const login = await record('POST', '/auth/login', { body: { identifier: account.username, password: account.password } });
    const access = login.body.accessToken;
    const enrollment = await stack.api('POST', '/auth/2fa/enable', { token: access, body: { password: account.password } });
    await record('GET', '/auth/me', { token: access });
    await record('PUT', '/auth/me', {
      token: access,
      body: { currentPassword: account.password, username: `${account.username.slice(0, 28)}_x` },
    });
    await record('POST', '/auth/token/refresh', { body: { refreshToken: login.body.refreshToken } });
    const stored = await stack.login.prisma.user.findFirstOrThrow({ where: { email: account.email } });
    for (const body of bodies) {
      assert.doesNotMatch(body, /argon2/);
      assert.ok(!body.includes(stored.passwordHash));
      assert.ok(!body.includes(enrollment.body.secret), 'the TOTP secret appears only in the enable answer');
      assert.doesNotMatch(body, /totpSecret|passwordHash|totp_secret|password_hash/);
    }
  });
});
