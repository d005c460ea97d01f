import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { oathtoolCode } from '@pupero/shared/testing';
import { startLogin, type TestLogin } from '@pupero/test-stack/login';

let seconds = Math.floor(Date.now() / 1000);
const nextStep = () => {
  seconds += 60;
  return seconds;
};

/** A lost phone must not lock the coins away: ten single-use codes, shown once when 2FA is turned on. */
describe('2FA recovery codes', () => {
  let svc: TestLogin;
  before(async () => {
    svc = await startLogin({}, { now: () => new Date(seconds * 1000) });
  });
  after(() => svc.close());

  async function withTwoFactor(name: string) {
    const account = {
      email: `${name}_${process.pid}@example.test`,
      username: `${name}_${process.pid}`,
      password: 'a long enough password',
    };
    const user = (await svc.api('POST', '/register', { body: account })).body;
    const login = (body: Record<string, unknown> = {}) =>
      svc.api('POST', '/login', { body: { identifier: account.username, password: account.password, ...body } });
    const token = (await login()).body.accessToken;
    const { secret } = (await svc.api('POST', '/2fa/enable', { token, body: { password: account.password } })).body;
    const confirmed = await svc.api('POST', '/2fa/confirm', {
      token,
      body: { password: account.password, totp: await oathtoolCode(secret, nextStep()) },
    });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    return { account, user, token, secret, login, codes: confirmed.body.recoveryCodes as string[] };
  }

  it('are ten distinct codes shown once, stored only as hashes, each good for one login', async () => {
    const { user, token, login, codes } = await withTwoFactor('rc');
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const code of codes) assert.match(code, /^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const stored = (await svc.db.query('SELECT code_hash AS hash FROM recovery_codes WHERE user_id = ?', [user.id])) as { hash: string }[];
    assert.equal(stored.length, 10);
    for (const { hash } of stored) {
      assert.match(hash, /^[0-9a-f]{64}$/);
      assert.ok(!codes.some((code) => hash.includes(code.replace('-', ''))), 'never the code itself');
    }
    const status = await svc.api('GET', '/me', { token });
    assert.doesNotMatch(JSON.stringify(status.body), new RegExp(codes[0]!), 'not shown again');

    assert.equal((await login()).body.code, 'TOTP_REQUIRED', 'the password alone is not enough');
    const first = await login({ recoveryCode: codes[0]!.toUpperCase().replace('-', '') });
    assert.equal(first.status, 200, 'case and hyphen do not matter');
    const again = await login({ recoveryCode: codes[0] });
    assert.equal(again.status, 401);
    assert.equal(again.body.code, 'TOTP_INVALID', 'a spent code works once');
    const raced = await Promise.all([login({ recoveryCode: codes[1] }), login({ recoveryCode: codes[1] })]);
    assert.deepEqual(raced.map((r) => r.status).sort(), [200, 401], 'two logins racing with one code: one gets in');
    const [used] = (await svc.db.query('SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NOT NULL', [
      user.id,
    ])) as {
      n: bigint;
    }[];
    assert.equal(Number(used!.n), 2);
    assert.equal((await login({ recoveryCode: 'abcde-fghjk' })).status, 401, 'a made-up code');
  });

  it('turn 2FA off when the phone is lost, with the password; the codes go with it', async () => {
    const { account, user, token, codes } = await withTwoFactor('rd');
    const wrong = await svc.api('POST', '/2fa/disable', { token, body: { password: account.password, recoveryCode: 'abcde-fghjk' } });
    assert.equal(wrong.status, 401);
    const both = await svc.api('POST', '/2fa/disable', {
      token,
      body: { password: account.password, recoveryCode: codes[2], totp: '123456' },
    });
    assert.equal(both.status, 400, 'one or the other');
    const off = await svc.api('POST', '/2fa/disable', { token, body: { password: account.password, recoveryCode: codes[2] } });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal(off.body.twoFactorEnabled, false);
    const [left] = (await svc.db.query('SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ?', [user.id])) as { n: bigint }[];
    assert.equal(Number(left!.n), 0);
    const [audited] = (await svc.db.query(
      "SELECT JSON_VALUE(details, '$.left') AS codesLeft FROM audit_log WHERE user_id = ? AND action = 'RECOVERY_CODE_USED'",
      [user.id],
    )) as { codesLeft: string }[];
    assert.equal(audited!.codesLeft, '9', 'the audit log says how many are left');
  });
});
