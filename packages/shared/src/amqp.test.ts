import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import amqp from 'amqplib';
import pino from 'pino';
import { type Broker, connectBroker } from './amqp.ts';
import { holdBrokerLock, testBrokerUrl } from './testing/broker-lock.ts';

const url = testBrokerUrl();

describe('broker helpers against the real RabbitMQ', () => {
  const queue = `pupero.test.${randomUUID()}`;
  let broker: Broker;
  let releaseLock: () => Promise<void>;

  before(async () => {
    releaseLock = await holdBrokerLock();
    broker = await connectBroker(url, { queues: [queue], logger: pino({ level: 'silent' }) });
  });
  after(async () => {
    const conn = await amqp.connect(url);
    const ch = await conn.createChannel();
    await ch.deleteQueue(queue);
    await conn.close();
    await broker.close();
    await releaseLock();
  });

  it('declares the queue durable and publishes persistent, confirmed messages', async () => {
    assert.equal(broker.isConnected(), true);
    await broker.publishJson(queue, { hello: 'world' }, { messageId: 'm-1' });
    const conn = await amqp.connect(url);
    const ch = await conn.createChannel();
    const message = await ch.get(queue, { noAck: true });
    await conn.close();
    assert.ok(message, 'the message is in the queue');
    assert.equal(message.properties.deliveryMode, 2, 'persistent');
    assert.equal(message.properties.messageId, 'm-1');
    assert.deepEqual(JSON.parse(message.content.toString()), { hello: 'world' });
    const passive = await amqp.connect(url);
    passive.on('error', () => undefined);
    const check = await passive.createChannel();
    check.on('error', () => undefined);
    await assert.rejects(
      check.assertQueue(queue, { durable: false }),
      /PRECONDITION_FAILED/,
      'an existing durable queue refuses a non-durable redeclare',
    );
    await passive.close().catch(() => undefined);
  });

  it('delivers to a consumer, acks on success and redelivers after a failure', async () => {
    const seen: unknown[] = [];
    let failures = 0;
    const done = new Promise<void>((resolve) => {
      void broker.consumeJson(queue, async (body) => {
        if (failures === 0) {
          failures += 1;
          throw new Error('first attempt fails');
        }
        seen.push(body);
        resolve();
      });
    });
    await broker.publishJson(queue, { n: 1 });
    await done;
    assert.equal(failures, 1);
    assert.deepEqual(seen, [{ n: 1 }]);
  });
});
