import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../errors.ts';
import { testKeys } from '../testing/keys.ts';
import { signAccessToken } from './jwt.ts';
import { peerKeysFrom } from './keys.ts';
import { createServiceTokenSigner, verifyServiceToken } from './service-token.ts';

const keys = testKeys();
/** What the transactions service holds: the public keys of its callers, nothing else. */
const peers = peerKeysFrom(keys.env('transactions').SERVICE_PUBLIC_KEYS!);
const tokenFromOffers = createServiceTokenSigner(keys.signingKey('offers'), 'offers');

function isRefusal(error: unknown): boolean {
  return error instanceof AppError && error.statusCode === 403;
}

describe('service tokens', () => {
  it('names the calling service when verified by the callee it was signed for', () => {
    assert.equal(verifyServiceToken(peers, tokenFromOffers('transactions'), 'transactions', ['offers', 'wallet-manager']), 'offers');
  });

  it('is refused by any other callee', () => {
    assert.throws(() => verifyServiceToken(peers, tokenFromOffers('transactions'), 'wallet-manager', ['offers']), isRefusal);
  });

  it("is refused when signed with another key than the caller's own, another service's included", () => {
    for (const key of [testKeys().signingKey('offers'), keys.signingKey('wallet-manager'), keys.signingKey('frontend'), keys.issuer.key]) {
      const token = createServiceTokenSigner(key, 'offers')('transactions');
      assert.throws(() => verifyServiceToken(peers, token, 'transactions', ['offers']), isRefusal);
    }
  });

  it('is refused when the caller is not allowed on the endpoint, or has no key here', () => {
    assert.throws(
      () => verifyServiceToken(peers, tokenFromOffers('transactions'), 'transactions', ['wallet-manager']),
      (error) => isRefusal(error) && error instanceof AppError && /offers/.test(error.message),
    );
    const fromGatewayName = createServiceTokenSigner(keys.signingKey('frontend'), 'gateway')('transactions');
    assert.throws(() => verifyServiceToken(peers, fromGatewayName, 'transactions', ['gateway']), isRefusal);
  });

  it("refuses a user access token, even one signed by the caller's key and addressed like a service token", () => {
    const identity = { userId: 1, role: 'admin', username: 'root', version: 0 } as const;
    const userToken = signAccessToken(
      { key: keys.signingKey('offers'), issuer: 'pupero:offers', audience: 'pupero:transactions' },
      identity,
      60,
    );
    assert.throws(() => verifyServiceToken(peers, userToken, 'transactions', ['offers']), isRefusal);
  });

  it('refuses something that is not a token at all', () => {
    assert.throws(() => verifyServiceToken(peers, 'not-a-jwt', 'transactions', ['offers']), isRefusal);
  });

  it('reuses the token it signed for a callee, and signs another per callee', () => {
    const first = tokenFromOffers('transactions');
    assert.equal(tokenFromOffers('transactions'), first);
    assert.notEqual(tokenFromOffers('login'), first);
  });
});
