import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';

export type MessageHandler = (body: unknown, message: ConsumeMessage) => Promise<void>;
export type RawMessageHandler = (message: ConsumeMessage) => Promise<void>;

export interface PublishOptions {
  messageId?: string;
  headers?: Record<string, string>;
}

interface Consumer {
  queue: string;
  handler: RawMessageHandler;
  prefetch: number;
}

/**
 * A service never publishes to a queue directly: that would need write access to the default
 * exchange, which reaches every queue. It publishes to the exchange bound to that one queue, named
 * after it. Provisioning (broker-provisioning.ts) declares both and the binding.
 */
export const exchangeFor = (queue: string) => `${queue}.exchange`;

export interface Broker {
  /** Resolves once the broker has confirmed the persistent message; rejects while disconnected. */
  publish(exchange: string, content: Buffer, options?: PublishOptions): Promise<void>;
  publishJson(exchange: string, body: unknown, options?: PublishOptions): Promise<void>;
  /** Acks after the handler resolves; a throw requeues the message after a pause. Survives reconnects. */
  consume(queue: string, handler: RawMessageHandler, options?: { prefetch?: number }): Promise<void>;
  /** As `consume`, with the body parsed; a body that is not JSON is dropped (acked) with a warning. */
  consumeJson(queue: string, handler: MessageHandler, options?: { prefetch?: number }): Promise<void>;
  isConnected(): boolean;
  close(): Promise<void>;
}

export interface BrokerOptions {
  /** The exchanges this service publishes to: they must exist (provisioned), and are checked at every connect. */
  exchanges?: readonly string[];
  /** The queues this service consumes: likewise provisioned beforehand, checked, never declared here. */
  queues?: readonly string[];
  logger: Logger;
  retryDelayMs?: number;
}

/**
 * A RabbitMQ connection with amqplib's own recovery: a confirm channel for persistent publishes,
 * consumers re-created after every reconnect. It declares nothing: a service's broker user may
 * only publish to its own exchange and read its own queue (no `configure` right), so the topology
 * is provisioned beforehand and only checked here (passive declares need no right).
 */
export async function connectBroker(url: string, options: BrokerOptions): Promise<Broker> {
  const consumers: Consumer[] = [];
  let model: ChannelModel | undefined;
  let publisher: ConfirmChannel | undefined;
  let closed = false;

  const connection = await amqp.connect(url, {
    recovery: {
      initialDelay: 200,
      maxDelay: 5000,
      maxRetries: Number.POSITIVE_INFINITY,
      waitForConnect: false,
      async setup(current: ChannelModel) {
        const channel = await current.createConfirmChannel();
        channel.on('error', (err) => options.logger.warn({ err }, 'amqp publish channel error'));
        await checkTopology(channel, options);
        channel.on('close', () => {
          if (publisher === channel) publisher = undefined;
        });
        model = current;
        publisher = channel;
        for (const consumer of consumers) await startConsumer(current, consumer, options);
        options.logger.info('amqp connected');
      },
    },
  });
  connection.on('disconnect', (err?: Error) => {
    publisher = undefined;
    model = undefined;
    if (!closed) options.logger.warn({ err }, 'amqp disconnected; reconnecting');
  });
  connection.on('connect-failed', (err: Error) => options.logger.warn({ err }, 'amqp connection failed; retrying'));
  connection.on('error', (err: Error) => options.logger.warn({ err }, 'amqp connection error'));
  await connection.waitForConnect();

  const broker: Broker = {
    async publish(exchange, content, publishOptions = {}) {
      const channel = publisher;
      if (!channel) throw new Error('RabbitMQ is not connected');
      await new Promise<void>((resolve, reject) => {
        channel.publish(
          exchange,
          '',
          content,
          {
            persistent: true,
            contentType: 'application/json',
            messageId: publishOptions.messageId,
            headers: publishOptions.headers,
          },
          (err) => (err ? reject(err instanceof Error ? err : new Error('message was nacked by the broker')) : resolve()),
        );
      });
    },
    publishJson: (exchange, body, publishOptions) => broker.publish(exchange, Buffer.from(JSON.stringify(body)), publishOptions),
    async consume(queue, handler, consumeOptions = {}) {
      const consumer = { queue, handler, prefetch: consumeOptions.prefetch ?? 10 };
      consumers.push(consumer);
      if (model) await startConsumer(model, consumer, options);
    },
    consumeJson(queue, handler, consumeOptions) {
      return broker.consume(
        queue,
        async (message) => {
          let body: unknown;
          try {
            body = JSON.parse(message.content.toString('utf8'));
          } catch {
            // Not JSON: no retry can fix it. Drop it (acked) rather than redeliver it forever.
            options.logger.warn({ queue, messageId: message.properties.messageId }, 'dropping a message that is not JSON');
            return;
          }
          await handler(body, message);
        },
        consumeOptions,
      );
    },
    isConnected: () => publisher !== undefined,
    async close() {
      closed = true;
      await connection.close();
    },
  };
  return broker;
}

async function checkTopology(channel: Channel, options: BrokerOptions) {
  const wanted = [...(options.exchanges ?? []).map((name) => ['exchange', name]), ...(options.queues ?? []).map((name) => ['queue', name])];
  for (const [kind, name] of wanted) {
    try {
      await (kind === 'exchange' ? channel.checkExchange(name!) : channel.checkQueue(name!));
    } catch (err) {
      throw new Error(`RabbitMQ ${kind} ${name} is missing: provision the broker first (broker-provisioning.ts)`, { cause: err });
    }
  }
}

async function startConsumer(model: ChannelModel, consumer: Consumer, options: BrokerOptions) {
  const channel = await model.createChannel();
  channel.on('error', (err) => options.logger.warn({ err, queue: consumer.queue }, 'amqp consumer channel error'));
  await channel.prefetch(consumer.prefetch);
  await channel.consume(consumer.queue, async (message) => {
    if (!message) return;
    try {
      await consumer.handler(message);
      channel.ack(message);
    } catch (err) {
      options.logger.warn({ err, queue: consumer.queue }, 'message handling failed; requeueing');
      setTimeout(() => {
        try {
          channel.nack(message, false, true);
        } catch {
          /* channel gone: the broker redelivers */
        }
      }, options.retryDelayMs ?? 1000);
    }
  });
}
