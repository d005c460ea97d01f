import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { AppError, type ErrorCode } from '../errors.ts';
import { testSecret } from '../testing/secrets.ts';
import { type AccessIdentity, createSigningKey, signAccessToken, type TokenSettings, verifyAccessToken } from './jwt.ts';

const settings: TokenSettings = { key: createSigningKey(testSecret()), issuer: 'pupero-login', audience: 'pupero' };
const alice: AccessIdentity = { userId: 42, role: 'moderator', username: 'alice' };
const claims = { role: alice.role, username: alice.username, typ: 'access', sub: String(alice.userId) };

function refusedWith(code: ErrorCode, token: string) {
  assert.throws(
    () => verifyAccessToken(settings, token),
    (error) => error instanceof AppError && error.code === code && error.statusCode === 401,
  );
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token whose header claims `alg` but whose signature is HMAC-SHA256 under our own secret. */
function tokenLabelled(alg: string, secret: Buffer): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = { ...claims, iss: settings.issuer, aud: settings.audience, iat: now, exp: now + 60 };
  const unsigned = `${base64url({ alg, typ: 'JWT' })}.${base64url(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('createSigningKey', () => {
  it('refuses a secret shorter than 32 bytes', () => {
    assert.throws(() => createSigningKey('s'.repeat(31)), /must be at least 32 bytes/);
    assert.equal(createSigningKey('s'.repeat(32)).symmetricKeySize, 32);
  });
});

describe('access tokens', () => {
  it('round-trips the identity', () => {
    const token = signAccessToken(settings, alice, 60);
    assert.deepEqual(verifyAccessToken(settings, token), alice);
  });

  it('refuses another issuer, another audience or another key', () => {
    refusedWith('TOKEN_INVALID', signAccessToken({ ...settings, issuer: 'someone-else' }, alice, 60));
    refusedWith('TOKEN_INVALID', signAccessToken({ ...settings, audience: 'other-app' }, alice, 60));
    refusedWith('TOKEN_INVALID', signAccessToken({ ...settings, key: createSigningKey(testSecret()) }, alice, 60));
  });

  it('refuses an unsigned alg:none token', () => {
    const [header, payload] = signAccessToken(settings, alice, 60).split('.');
    assert.equal(JSON.parse(Buffer.from(header!, 'base64url').toString()).alg, 'HS256');
    refusedWith('TOKEN_INVALID', `${base64url({ alg: 'none', typ: 'JWT' })}.${payload}.`);
  });

  it('refuses algorithms other than HS256, even with the right key', () => {
    const secret = settings.key.export();
    const hs512 = jwt.sign(claims, settings.key, {
      algorithm: 'HS512',
      issuer: settings.issuer,
      audience: settings.audience,
      expiresIn: 60,
    });
    refusedWith('TOKEN_INVALID', hs512);
    refusedWith('TOKEN_INVALID', tokenLabelled('RS256', secret));
    assert.deepEqual(verifyAccessToken(settings, tokenLabelled('HS256', secret)), alice, 'the hand-made token is otherwise valid');
  });

  it('refuses a tampered payload', () => {
    const [header, payload, signature] = signAccessToken(settings, alice, 60).split('.');
    const promoted = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'admin' };
    refusedWith('TOKEN_INVALID', `${header}.${base64url(promoted)}.${signature}`);
  });

  it('refuses a correctly signed token that is not an access token', () => {
    const options = { algorithm: 'HS256', issuer: settings.issuer, audience: settings.audience, expiresIn: 60 } as const;
    refusedWith('TOKEN_INVALID', jwt.sign({ ...claims, typ: 'service' }, settings.key, options));
    refusedWith('TOKEN_INVALID', jwt.sign({ role: alice.role, username: alice.username, sub: '42' }, settings.key, options));
  });

  it('answers TOKEN_EXPIRED for an expired token', () => {
    const exp = Math.floor(Date.now() / 1000) - 60;
    const expired = jwt.sign({ ...claims, exp }, settings.key, {
      algorithm: 'HS256',
      issuer: settings.issuer,
      audience: settings.audience,
    });
    refusedWith('TOKEN_EXPIRED', expired);
  });
});
