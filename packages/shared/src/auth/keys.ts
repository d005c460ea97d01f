import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/**
 * Every key of Pupero is an ECDSA P-256 key (ES256: jsonwebtoken has no EdDSA). A private key is
 * held by one service only; the others hold its public key. Keys are written as PEM or as one
 * line of base64 DER (PKCS#8 for a private key, SPKI for a public one), so they fit in `.env`
 * files and Compose secrets alike. A key's id (`kid`) is derived from its public key, so keys
 * rotate by adding the new public key next to the old one and then switching the private key.
 */
export const KEY_ALGORITHM = 'ES256';

export interface SigningKey {
  key: KeyObject;
  kid: string;
}

/** Public keys by `kid`: one key, or two while a key rotates. */
export type PublicKeys = ReadonlyMap<string, KeyObject>;

/** The public keys of the services allowed to call (or message) this one, by service name. */
export type PeerKeys = ReadonlyMap<string, PublicKeys>;

/** A new key pair as two lines of base64 DER. */
export function generateKeyPair(): { privateKey: string; publicKey: string } {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKey: pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

/** The key id: the first 16 characters of the base64url SHA-256 of the public key's DER. */
export function keyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('base64url')
    .slice(0, 16);
}

function assertP256(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('must be an ECDSA P-256 (ES256) key');
  }
  return key;
}

const isPem = (text: string) => text.includes('-----BEGIN');

function base64Der(text: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+=*$/.test(compact)) throw new Error('must be PEM or base64 DER');
  return Buffer.from(compact, 'base64');
}

export function signingKeyFrom(text: string): SigningKey {
  let key: KeyObject;
  try {
    key = isPem(text) ? createPrivateKey(text) : createPrivateKey({ key: base64Der(text), format: 'der', type: 'pkcs8' });
  } catch {
    throw new Error('must be a private key, PEM or base64 PKCS#8 DER');
  }
  return { key: assertP256(key), kid: keyId(key) };
}

export function publicKeyFrom(text: string): KeyObject {
  // createPublicKey would derive the public half of a private PEM: a private key in a public-key
  // variable is a misplaced secret, refused rather than used.
  if (/PRIVATE KEY/.test(text)) throw new Error('must be a public key, not a private one');
  let key: KeyObject;
  try {
    key = isPem(text) ? createPublicKey(text) : createPublicKey({ key: base64Der(text), format: 'der', type: 'spki' });
  } catch {
    throw new Error('must be a public key, PEM or base64 SPKI DER');
  }
  if (key.type !== 'public') throw new Error('must be a public key, not a private one');
  return assertP256(key);
}

/** PEM blocks, or base64 keys separated by commas or white space. */
function splitKeys(text: string): string[] {
  if (isPem(text)) return text.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
  return text.split(/[\s,]+/).filter(Boolean);
}

export function publicKeysFrom(text: string): PublicKeys {
  const keys = splitKeys(text).map(publicKeyFrom);
  if (keys.length === 0) throw new Error('must list at least one public key');
  return new Map(keys.map((key) => [keyId(key), key]));
}

/** `name=KEY` entries separated by commas or white space; a name may appear twice while its key rotates. */
export function peerKeysFrom(text: string): PeerKeys {
  const peers = new Map<string, Map<string, KeyObject>>();
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    const match = /^([a-z][a-z-]*)=(.+)$/.exec(entry);
    if (!match) throw new Error('must be name=KEY entries (base64 SPKI DER), separated by commas');
    const [, name, encoded] = match as unknown as [string, string, string];
    const key = publicKeyFrom(encoded);
    const keys = peers.get(name) ?? new Map<string, KeyObject>();
    keys.set(keyId(key), key);
    peers.set(name, keys);
  }
  return peers;
}

/** The public half of a signing key, as one line of base64 DER. */
export function publicKeyText(key: SigningKey | KeyObject): string {
  const object = 'kid' in key ? key.key : key;
  return createPublicKey(object).export({ format: 'der', type: 'spki' }).toString('base64');
}
