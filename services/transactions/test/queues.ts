import { testBrokerUrl } from '@pupero/shared/testing';
import amqp from 'amqplib';

/** Takes every message that arrives on `queue` within `ms` (acked), as parsed JSON with its message id. */
export async function drainQueue(queue: string, ms: number): Promise<{ messageId: string; body: any }[]> {
  const conn = await amqp.connect(testBrokerUrl());
  const ch = await conn.createChannel();
  await ch.assertQueue(queue, { durable: true });
  const seen: { messageId: string; body: any }[] = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const message = await ch.get(queue, { noAck: true });
    if (message) seen.push({ messageId: String(message.properties.messageId), body: JSON.parse(message.content.toString()) });
    else await new Promise((r) => setTimeout(r, 50));
  }
  await conn.close();
  return seen;
}

export async function publishTo(queue: string, body: unknown): Promise<void> {
  const conn = await amqp.connect(testBrokerUrl());
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue(queue, { durable: true });
  ch.sendToQueue(queue, Buffer.from(JSON.stringify(body)), { persistent: true });
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
