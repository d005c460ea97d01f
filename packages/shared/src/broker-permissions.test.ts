import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import pino from 'pino';
import { connectBroker, exchangeFor } from './amqp.ts';
import type { BrokerNames, BrokerService } from './broker-provisioning.ts';
import { deleteTestBroker, provisionTestBroker } from './testing/broker.ts';
import { holdBrokerLock, testBrokerUrl } from './testing/broker-lock.ts';

const logger = pino({ level: 'silent' });

/** Runs one operation on a fresh confirm channel of `connection`: 'ok', or the broker's refusal. */
async function attempt(connection: ChannelModel, operation: (channel: ConfirmChannel) => Promise<unknown>): Promise<string> {
  const channel = await connection.createConfirmChannel();
  // The broker closes the channel with its reason (403 ACCESS_REFUSED …); keep that, not the symptom.
  let reason = 'closed without a reason';
  channel.on('error', (error: Error) => {
    reason = error.message;
  });
  const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()));
  try {
    const outcome = await Promise.race([operation(channel).then(() => 'ok'), closed.then(() => reason)]);
    await channel.close().catch(() => undefined);
    return outcome;
  } catch {
    await closed;
    return reason;
  }
}

async function asAdmin(use: (channel: amqp.Channel) => Promise<void>) {
  const admin = await amqp.connect(testBrokerUrl());
  try {
    await use(await admin.createChannel());
  } finally {
    await admin.close();
  }
}

const publish =
  (exchange: string, routingKey = '') =>
  (channel: ConfirmChannel) =>
    new Promise<void>((resolve, reject) => {
      channel.publish(exchange, routingKey, Buffer.from('{"forged":true}'), { persistent: true }, (err) => (err ? reject(err) : resolve()));
    });

describe('each service reaches only its own part of the broker', () => {
  const tag = randomUUID().slice(0, 8);
  const names: BrokerNames = { queue: `pupero.test.withdrawals.${tag}`, resultsQueue: `pupero.test.withdrawal-results.${tag}` };
  let urls: Record<BrokerService, string>;
  let releaseLock: () => Promise<void>;
  const connections: ChannelModel[] = [];
  const connectAs = async (service: BrokerService) => {
    const connection = await amqp.connect(urls[service]);
    connection.on('error', () => undefined);
    connections.push(connection);
    return connection;
  };
  /** What each side publishes to and consumes from, and the other side's. */
  const sides = {
    transactions: { writes: exchangeFor(names.queue), reads: names.resultsQueue },
    'wallet-manager': { writes: exchangeFor(names.resultsQueue), reads: names.queue },
  };

  before(async () => {
    releaseLock = await holdBrokerLock();
    urls = await provisionTestBroker(names);
  });
  after(async () => {
    for (const connection of connections) await connection.close().catch(() => undefined);
    await deleteTestBroker(names);
    await releaseLock();
  });

  it('lets the ledger send requests to the wallet manager, and the wallet manager send results back', async () => {
    const ledger = await connectBroker(urls.transactions, { exchanges: [sides.transactions.writes], queues: [names.resultsQueue], logger });
    const wallet = await connectBroker(urls['wallet-manager'], {
      exchanges: [sides['wallet-manager'].writes],
      queues: [names.queue],
      logger,
    });
    try {
      const requests: unknown[] = [];
      const results: unknown[] = [];
      const both = new Promise<void>((resolve) => {
        const check = () => requests.length && results.length && resolve();
        void wallet.consumeJson(names.queue, async (body) => {
          requests.push(body);
          await wallet.publishJson(exchangeFor(names.resultsQueue), { result: 'for 1' });
          check();
        });
        void ledger.consumeJson(names.resultsQueue, async (body) => {
          results.push(body);
          check();
        });
      });
      await ledger.publishJson(exchangeFor(names.queue), { request: 1 });
      await both;
      assert.deepEqual(requests, [{ request: 1 }]);
      assert.deepEqual(results, [{ result: 'for 1' }]);
    } finally {
      await ledger.close();
      await wallet.close();
    }
  });

  for (const [service, other] of [
    ['transactions', 'wallet-manager'],
    ['wallet-manager', 'transactions'],
  ] as const) {
    it(`refuses ${service} everything on the other side, and any change to the topology`, async () => {
      await asAdmin(async (channel) => {
        for (const queue of [names.queue, names.resultsQueue]) await channel.purgeQueue(queue);
      });
      const connection = await connectAs(service);
      const own = sides[service];
      const theirs = sides[other];
      const refusals: Record<string, (channel: ConfirmChannel) => Promise<unknown>> = {
        "publish to the other's exchange": publish(theirs.writes),
        'publish to its own incoming queue by the default exchange': publish('', own.reads),
        "publish to the other's queue by the default exchange": publish('', theirs.reads),
        'publish to amq.fanout': publish('amq.fanout'),
        "consume the other's queue": (ch) => ch.consume(theirs.reads, () => undefined),
        "get from the other's queue": (ch) => ch.get(theirs.reads),
        "purge the other's queue": (ch) => ch.purgeQueue(theirs.reads),
        "delete the other's queue": (ch) => ch.deleteQueue(theirs.reads),
        'delete its own queue': (ch) => ch.deleteQueue(own.reads),
        "delete the other's exchange": (ch) => ch.deleteExchange(theirs.writes),
        'delete its own exchange': (ch) => ch.deleteExchange(own.writes),
        "declare the other's queue": (ch) => ch.assertQueue(theirs.reads, { durable: true }),
        'declare a queue of its own': (ch) => ch.assertQueue(`${own.reads}.copy`, { durable: true }),
        'declare an exchange': (ch) => ch.assertExchange(`${own.writes}.copy`, 'fanout', { durable: true }),
        "bind the other's queue to its own exchange": (ch) => ch.bindQueue(theirs.reads, own.writes, ''),
        "bind its own queue to the other's exchange": (ch) => ch.bindQueue(own.reads, theirs.writes, ''),
        "unbind the other's queue": (ch) => ch.unbindQueue(theirs.reads, theirs.writes, ''),
      };
      for (const [what, operation] of Object.entries(refusals)) {
        const outcome = await attempt(connection, operation);
        assert.match(outcome, /403 \(ACCESS-REFUSED\)/, `${service} may not ${what} (got: ${outcome})`);
      }
      // Its own part still works, and the topology is as provisioned.
      assert.equal(await attempt(connection, publish(own.writes)), 'ok', 'publishes to its own exchange');
      assert.equal(await attempt(connection, (ch) => ch.checkQueue(own.reads)), 'ok', 'sees its own queue');
      await asAdmin(async (channel) => {
        assert.equal(
          (await channel.checkQueue(theirs.reads)).messageCount,
          1,
          "its publish reached the other's queue, and nothing else did",
        );
        assert.equal((await channel.checkQueue(own.reads)).messageCount, 0, 'nothing reached its own queue');
        await channel.purgeQueue(theirs.reads);
      });
    });
  }

  it('provisions again with new passwords: the old ones stop working, queued messages stay', async () => {
    const ledger = await connectAs('transactions');
    assert.equal(await attempt(ledger, publish(sides.transactions.writes)), 'ok');
    const old = urls;
    urls = await provisionTestBroker(names);
    await assert.rejects(amqp.connect(old.transactions), /ACCESS_REFUSED|403/i);
    await assert.rejects(amqp.connect(old['wallet-manager']), /ACCESS_REFUSED|403/i);
    const wallet = await connectAs('wallet-manager');
    const channel = await wallet.createChannel();
    const message = await channel.get(names.queue, { noAck: true });
    assert.ok(message, 'the request published before the second provisioning is still queued');
  });
});
