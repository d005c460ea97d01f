import { sign, verify } from 'node:crypto';
import type { PeerKeys, SigningKey } from './keys.ts';

/**
 * Messages that move money between services carry their sender's signature, so a party that can
 * only reach the broker (or the queue) cannot forge one. What is signed is the kind of message, the
 * sender and the exact body bytes: a signature on a result never passes as a request, nor one by
 * one service as another's. ECDSA P-256 with SHA-256, the signature as raw r‖s (IEEE P1363).
 */
export type MessageKind = 'withdrawal-request' | 'withdrawal-result';

/** Where the signature travels: AMQP headers, beside a body left exactly as it was signed. */
export const SIGNATURE_HEADERS = { sender: 'x-pupero-sender', kid: 'x-pupero-kid', signature: 'x-pupero-signature' } as const;

export type SignatureHeaders = Record<(typeof SIGNATURE_HEADERS)[keyof typeof SIGNATURE_HEADERS], string>;

export type RefusalReason = 'unsigned' | 'sender-not-allowed' | 'unknown-key' | 'bad-signature';

export type Verdict = { ok: true; sender: string } | { ok: false; reason: RefusalReason };

function signedBytes(kind: MessageKind, sender: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`pupero:${kind}:v1\n${sender}\n`, 'utf8'), body]);
}

export function signMessage(kind: MessageKind, body: Buffer, key: SigningKey, sender: string): SignatureHeaders {
  const signature = sign('sha256', signedBytes(kind, sender, body), { key: key.key, dsaEncoding: 'ieee-p1363' });
  return {
    [SIGNATURE_HEADERS.sender]: sender,
    [SIGNATURE_HEADERS.kid]: key.kid,
    [SIGNATURE_HEADERS.signature]: signature.toString('base64url'),
  } as SignatureHeaders;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : undefined;

/**
 * Believes `body` only when it is signed, as `kind`, by one of `senders` with a key `peers` holds
 * for that sender.
 */
export function verifyMessage(
  kind: MessageKind,
  body: Buffer,
  headers: Record<string, unknown> | undefined,
  peers: PeerKeys,
  senders: readonly string[],
): Verdict {
  const sender = text(headers?.[SIGNATURE_HEADERS.sender]);
  const kid = text(headers?.[SIGNATURE_HEADERS.kid]);
  const signature = text(headers?.[SIGNATURE_HEADERS.signature]);
  if (!sender || !kid || !signature) return { ok: false, reason: 'unsigned' };
  if (!senders.includes(sender)) return { ok: false, reason: 'sender-not-allowed' };
  const key = peers.get(sender)?.get(kid);
  if (!key) return { ok: false, reason: 'unknown-key' };
  const raw = Buffer.from(signature, 'base64url');
  if (raw.length !== 64) return { ok: false, reason: 'bad-signature' };
  const valid = verify('sha256', signedBytes(kind, sender, body), { key, dsaEncoding: 'ieee-p1363' }, raw);
  return valid ? { ok: true, sender } : { ok: false, reason: 'bad-signature' };
}
