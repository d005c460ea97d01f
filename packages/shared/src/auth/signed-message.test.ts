import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testKeys } from '../testing/keys.ts';
import { peerKeysFrom } from './keys.ts';
import { SIGNATURE_HEADERS, signMessage, verifyMessage } from './signed-message.ts';

const keys = testKeys();
/** What each side holds: the public keys of the services allowed to message it. */
const walletPeers = peerKeysFrom(keys.env('wallet-manager').SERVICE_PUBLIC_KEYS!);
const ledgerPeers = peerKeysFrom(keys.env('transactions').SERVICE_PUBLIC_KEYS!);
const body = Buffer.from(JSON.stringify({ type: 'withdrawal.requested', withdrawalId: '7', amount: '1.5' }));
const request = (key = keys.signingKey('transactions'), sender = 'transactions', content = body) =>
  signMessage('withdrawal-request', content, key, sender);

describe('signed money messages', () => {
  it("names the sender when signed with the sender's own key, for this kind of message and these bytes", () => {
    assert.deepEqual(verifyMessage('withdrawal-request', body, request(), walletPeers, ['transactions']), {
      ok: true,
      sender: 'transactions',
    });
    const result = Buffer.from('{"status":"SENT"}');
    const signed = signMessage('withdrawal-result', result, keys.signingKey('wallet-manager'), 'wallet-manager');
    assert.equal(verifyMessage('withdrawal-result', result, signed, ledgerPeers, ['wallet-manager']).ok, true);
    assert.equal(Buffer.from(signed[SIGNATURE_HEADERS.signature], 'base64url').length, 64, 'raw r‖s');
  });

  it('reads headers that arrive as buffers, as AMQP may deliver them', () => {
    const asBuffers = Object.fromEntries(Object.entries(request()).map(([k, v]) => [k, Buffer.from(v)]));
    assert.equal(verifyMessage('withdrawal-request', body, asBuffers, walletPeers, ['transactions']).ok, true);
  });

  it('refuses a message without a signature, or with part of one', () => {
    for (const headers of [
      undefined,
      {},
      { ...request(), [SIGNATURE_HEADERS.signature]: undefined },
      { [SIGNATURE_HEADERS.sender]: 'transactions' },
    ]) {
      assert.deepEqual(verifyMessage('withdrawal-request', body, headers, walletPeers, ['transactions']), {
        ok: false,
        reason: 'unsigned',
      });
    }
  });

  it('refuses changed bytes, another kind of message, and a signature moved to another body', () => {
    const headers = request();
    const changed = Buffer.from(body.toString().replace('1.5', '15'));
    assert.deepEqual(verifyMessage('withdrawal-request', changed, headers, walletPeers, ['transactions']), {
      ok: false,
      reason: 'bad-signature',
    });
    const spaced = Buffer.from(`${body.toString()} `);
    assert.equal(verifyMessage('withdrawal-request', spaced, headers, walletPeers, ['transactions']).ok, false, 'the exact bytes');
    const asResult = signMessage('withdrawal-result', body, keys.signingKey('transactions'), 'transactions');
    assert.equal(verifyMessage('withdrawal-request', body, asResult, walletPeers, ['transactions']).ok, false, 'domain separation');
    const garbled = { ...headers, [SIGNATURE_HEADERS.signature]: 'AAAA' };
    assert.deepEqual(verifyMessage('withdrawal-request', body, garbled, walletPeers, ['transactions']), {
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('refuses a sender that may not send this, and keys that are not the named sender’s', () => {
    // The wallet manager's key is known to the ledger, but it sends results, not requests.
    const byWallet = request(keys.signingKey('wallet-manager'), 'wallet-manager');
    assert.deepEqual(verifyMessage('withdrawal-request', body, byWallet, ledgerPeers, ['transactions']), {
      ok: false,
      reason: 'sender-not-allowed',
    });
    // Another key claiming to be the transactions service: the frontend's, and a fresh one.
    for (const key of [keys.signingKey('frontend'), testKeys().signingKey('transactions')]) {
      assert.deepEqual(verifyMessage('withdrawal-request', body, request(key), walletPeers, ['transactions']), {
        ok: false,
        reason: 'unknown-key',
      });
    }
    // The right key id with a signature made by another key.
    const forged = { ...request(), [SIGNATURE_HEADERS.signature]: request(keys.signingKey('frontend'))[SIGNATURE_HEADERS.signature] };
    assert.deepEqual(verifyMessage('withdrawal-request', body, forged, walletPeers, ['transactions']), {
      ok: false,
      reason: 'bad-signature',
    });
    // The transactions service's real signature, presented as another sender's message.
    const renamed = { ...request(), [SIGNATURE_HEADERS.sender]: 'offers' };
    assert.equal(verifyMessage('withdrawal-request', body, renamed, ledgerPeers, ['offers', 'transactions']).ok, false);
  });
});
