import assert from 'node:assert/strict';
import { createHmac, createSecretKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { AppError, type ErrorCode } from '../errors.ts';
import { testKeys } from '../testing/keys.ts';
import { type AccessIdentity, signAccessToken, type TokenIssuer, type TokenSettings, verifyAccessToken } from './jwt.ts';
import { keyId, publicKeysFrom } from './keys.ts';

const keys = testKeys();
const issuer: TokenIssuer = { ...keys.issuer, issuer: 'pupero-login', audience: 'pupero' };
const settings: TokenSettings = { keys: publicKeysFrom(keys.ring.accessToken.publicKey), issuer: 'pupero-login', audience: 'pupero' };
const alice: AccessIdentity = { userId: 42, role: 'moderator', username: 'alice', version: 3 };
const claims = { role: alice.role, username: alice.username, ver: alice.version, typ: 'access', sub: String(alice.userId) };
const kid = issuer.key.kid;

function refusedWith(code: ErrorCode, token: string) {
  assert.throws(
    () => verifyAccessToken(settings, token),
    (error) => error instanceof AppError && error.code === code && error.statusCode === 401,
  );
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access tokens (ES256, login signs, everyone else verifies)', () => {
  it('round-trips the identity, with the key id in the header', () => {
    const token = signAccessToken(issuer, alice, 60);
    assert.deepEqual(verifyAccessToken(settings, token), alice);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    assert.deepEqual([header.alg, header.kid], ['ES256', kid]);
  });

  it('refuses another issuer, another audience or another private key (even one claiming the same kid)', () => {
    refusedWith('TOKEN_INVALID', signAccessToken({ ...issuer, issuer: 'someone-else' }, alice, 60));
    refusedWith('TOKEN_INVALID', signAccessToken({ ...issuer, audience: 'other-app' }, alice, 60));
    const stranger = testKeys().issuer;
    refusedWith('TOKEN_INVALID', signAccessToken(stranger, alice, 60));
    refusedWith('TOKEN_INVALID', signAccessToken({ ...issuer, key: { key: stranger.key.key, kid } }, alice, 60));
  });

  it('verifies with any of several public keys while a key rotates', () => {
    const next = testKeys();
    const both: TokenSettings = {
      ...settings,
      keys: publicKeysFrom(`${keys.ring.accessToken.publicKey},${next.ring.accessToken.publicKey}`),
    };
    const newToken = signAccessToken({ ...next.issuer, issuer: 'pupero-login', audience: 'pupero' }, alice, 60);
    assert.deepEqual(verifyAccessToken(both, newToken), alice);
    assert.deepEqual(verifyAccessToken(both, signAccessToken(issuer, alice, 60)), alice);
    refusedWith('TOKEN_INVALID', newToken);
  });

  it('refuses an unsigned alg:none token', () => {
    const [, payload] = signAccessToken(issuer, alice, 60).split('.');
    refusedWith('TOKEN_INVALID', `${base64url({ alg: 'none', typ: 'JWT', kid })}.${payload}.`);
  });

  it('refuses HMAC tokens, whatever secret signed them (the public key as an HS256 secret included)', () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = { ...claims, iss: settings.issuer, aud: settings.audience, iat: now, exp: now + 60 };
    for (const secret of [Buffer.from(keys.ring.accessToken.publicKey, 'base64'), Buffer.from(keys.ring.accessToken.publicKey)]) {
      const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT', kid })}.${base64url(payload)}`;
      refusedWith('TOKEN_INVALID', `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`);
    }
    const hs = jwt.sign(claims, createSecretKey(Buffer.alloc(32, 1)), {
      algorithm: 'HS256',
      keyid: kid,
      issuer: 'pupero-login',
      audience: 'pupero',
    });
    refusedWith('TOKEN_INVALID', hs);
  });

  it('refuses another algorithm with a key of its own, and a token without a kid', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    refusedWith('TOKEN_INVALID', jwt.sign(claims, rsa, { algorithm: 'RS256', keyid: kid, issuer: 'pupero-login', audience: 'pupero' }));
    refusedWith('TOKEN_INVALID', jwt.sign(claims, issuer.key.key, { algorithm: 'ES256', issuer: 'pupero-login', audience: 'pupero' }));
    assert.equal(keyId(issuer.key.key), kid);
  });

  it('refuses a tampered payload', () => {
    const [header, payload, signature] = signAccessToken(issuer, alice, 60).split('.');
    const promoted = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'admin' };
    refusedWith('TOKEN_INVALID', `${header}.${base64url(promoted)}.${signature}`);
  });

  it('refuses a correctly signed token that is not an access token', () => {
    const options = { algorithm: 'ES256', keyid: kid, issuer: settings.issuer, audience: settings.audience, expiresIn: 60 } as const;
    refusedWith('TOKEN_INVALID', jwt.sign({ ...claims, typ: 'service' }, issuer.key.key, options));
    refusedWith(
      'TOKEN_INVALID',
      jwt.sign({ role: alice.role, username: alice.username, sub: '42', typ: 'access' }, issuer.key.key, options),
    );
  });

  it('answers TOKEN_EXPIRED for an expired token', () => {
    const exp = Math.floor(Date.now() / 1000) - 60;
    const expired = jwt.sign({ ...claims, exp }, issuer.key.key, {
      algorithm: 'ES256',
      keyid: kid,
      issuer: settings.issuer,
      audience: settings.audience,
    });
    refusedWith('TOKEN_EXPIRED', expired);
  });
});
