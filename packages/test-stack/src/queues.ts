import type { SigningKey } from '@pupero/shared/keys';
import { type MessageKind, signMessage } from '@pupero/shared/signed-message';
import { testBrokerUrl } from '@pupero/shared/testing';
import amqp from 'amqplib';

export interface DrainedMessage {
  messageId: string;
  body: any;
  /** The exact bytes, and the headers the signature travels in. */
  content: Buffer;
  headers: Record<string, unknown>;
}

/** Takes every message that arrives on `queue` within `ms` (acked), as parsed JSON with its message id. */
export async function drainQueue(queue: string, ms: number): Promise<DrainedMessage[]> {
  const conn = await amqp.connect(testBrokerUrl());
  const ch = await conn.createChannel();
  await ch.checkQueue(queue);
  const seen: DrainedMessage[] = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const message = await ch.get(queue, { noAck: true });
    if (message)
      seen.push({
        messageId: String(message.properties.messageId),
        body: JSON.parse(message.content.toString()),
        content: message.content,
        headers: message.properties.headers ?? {},
      });
    else await new Promise((r) => setTimeout(r, 50));
  }
  await conn.close();
  return seen;
}

export interface Signature {
  kind: MessageKind;
  key: SigningKey;
  /** The sender it claims to be (with the right key, the sender it is). */
  sender: string;
}

/**
 * Puts `body` straight into `queue` as the broker's administrator, as someone with full rights on
 * the broker could; signed when `signature` is given (a test acting as a service, or forging one).
 */
export async function publishTo(queue: string, body: unknown, signature?: Signature): Promise<void> {
  const content = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const headers = signature ? signMessage(signature.kind, content, signature.key, signature.sender) : undefined;
  const conn = await amqp.connect(testBrokerUrl());
  const ch = await conn.createConfirmChannel();
  ch.sendToQueue(queue, content, { persistent: true, headers });
  await ch.waitForConfirms();
  await conn.close();
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
