import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../errors.ts';
import { testSecret } from '../testing/secrets.ts';
import { createSigningKey, signAccessToken } from './jwt.ts';
import { createServiceTokenSigner, verifyServiceToken } from './service-token.ts';

const serviceKey = createSigningKey(testSecret(), 'service secret');
const tokenFromOffers = createServiceTokenSigner(serviceKey, 'offers');

function isRefusal(error: unknown): boolean {
  return error instanceof AppError && (error.statusCode === 403 || error.statusCode === 401);
}

describe('service tokens', () => {
  it('names the calling service when verified by the callee it was signed for', () => {
    const token = tokenFromOffers('transactions');
    assert.equal(verifyServiceToken(serviceKey, token, 'transactions'), 'offers');
    assert.equal(verifyServiceToken(serviceKey, token, 'transactions', ['offers', 'trades']), 'offers');
  });

  it('is refused by any other callee', () => {
    const token = tokenFromOffers('transactions');
    assert.throws(() => verifyServiceToken(serviceKey, token, 'wallet'), isRefusal);
  });

  it('is refused when signed with another key', () => {
    const token = createServiceTokenSigner(createSigningKey(testSecret()), 'offers')('transactions');
    assert.throws(() => verifyServiceToken(serviceKey, token, 'transactions'), isRefusal);
  });

  it('is refused when the caller is not allowed on the endpoint', () => {
    const token = tokenFromOffers('transactions');
    assert.throws(
      () => verifyServiceToken(serviceKey, token, 'transactions', ['trades']),
      (error) => isRefusal(error) && error instanceof AppError && error.code === 'FORBIDDEN' && /offers/.test(error.message),
    );
  });

  it('refuses a user access token signed with the same key, even one addressed like a service token', () => {
    const identity = { userId: 1, role: 'admin', username: 'root' } as const;
    const userToken = signAccessToken({ key: serviceKey, issuer: 'pupero:offers', audience: 'pupero:transactions' }, identity, 60);
    assert.throws(
      () => verifyServiceToken(serviceKey, userToken, 'transactions'),
      (error) => error instanceof AppError && error.code === 'FORBIDDEN' && error.statusCode === 403,
    );
  });

  it('refuses something that is not a token at all', () => {
    assert.throws(() => verifyServiceToken(serviceKey, 'not-a-jwt', 'transactions'), isRefusal);
  });

  it('reuses the token it signed for a callee, and signs another per callee', () => {
    const first = tokenFromOffers('transactions');
    assert.equal(tokenFromOffers('transactions'), first);
    assert.notEqual(tokenFromOffers('wallet'), first);
  });
});
