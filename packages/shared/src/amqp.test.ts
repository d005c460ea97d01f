import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import amqp from 'amqplib';
import pino from 'pino';
import { type Broker, connectBroker, exchangeFor } from './amqp.ts';
import { declareBrokerTopology, deleteBrokerTopology } from './broker-provisioning.ts';
import { holdBrokerLock, testBrokerUrl } from './testing/broker-lock.ts';

const url = testBrokerUrl();

describe('broker helpers against the real RabbitMQ', () => {
  const tag = randomUUID();
  const names = { queue: `pupero.test.${tag}`, resultsQueue: `pupero.test.results.${tag}` };
  const { queue } = names;
  let broker: Broker;
  let releaseLock: () => Promise<void>;

  before(async () => {
    releaseLock = await holdBrokerLock();
    await declareBrokerTopology(url, names);
    broker = await connectBroker(url, { exchanges: [exchangeFor(queue)], queues: [queue], logger: pino({ level: 'silent' }) });
  });
  after(async () => {
    await broker.close();
    await deleteBrokerTopology(url, names);
    await releaseLock();
  });

  it("publishes persistent, confirmed messages through the queue's exchange, headers and all", async () => {
    assert.equal(broker.isConnected(), true);
    await broker.publishJson(exchangeFor(queue), { hello: 'world' }, { messageId: 'm-1', headers: { 'x-pupero-sender': 'test' } });
    const conn = await amqp.connect(url);
    const ch = await conn.createChannel();
    const message = await ch.get(queue, { noAck: true });
    await conn.close();
    assert.ok(message, 'the message is in the queue');
    assert.equal(message.properties.deliveryMode, 2, 'persistent');
    assert.equal(message.properties.messageId, 'm-1');
    assert.equal(String(message.properties.headers?.['x-pupero-sender']), 'test');
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
    await broker.publishJson(exchangeFor(queue), { n: 1 });
    await done;
    assert.equal(failures, 1);
    assert.deepEqual(seen, [{ n: 1 }]);
  });

  it('declares nothing itself: without the provisioned topology it does not connect, and says why', async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    const missing = `pupero.test.missing.${tag}`;
    const connecting = connectBroker(url, { queues: [missing], logger });
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(
      warnings.some((line) => line.includes(`queue ${missing} is missing`)),
      'the log names the missing queue',
    );
    const admin = await amqp.connect(url);
    const ch = await admin.createChannel();
    ch.on('error', () => undefined);
    await assert.rejects(ch.checkQueue(missing), /NOT_FOUND|404/, 'it did not declare the queue');
    await admin.close();
    await declareBrokerTopology(url, { queue: missing, resultsQueue: `${missing}.results` });
    const late = await connecting;
    assert.equal(late.isConnected(), true, 'it connects once the topology is there');
    await late.close();
    await deleteBrokerTopology(url, { queue: missing, resultsQueue: `${missing}.results` });
  });
});
