import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';

export type MessageHandler = (body: unknown, message: ConsumeMessage) => Promise<void>;

interface Consumer {
  queue: string;
  handler: MessageHandler;
  prefetch: number;
}

export interface Broker {
  /** Resolves once the broker has confirmed the persistent message; rejects while disconnected. */
  publishJson(queue: string, body: unknown, options?: { messageId?: string }): Promise<void>;
  /** Acks after the handler resolves; a throw requeues the message after a pause. Survives reconnects. */
  consumeJson(queue: string, handler: MessageHandler, options?: { prefetch?: number }): Promise<void>;
  isConnected(): boolean;
  close(): Promise<void>;
}

export interface BrokerOptions {
  queues: readonly string[];
  logger: Logger;
  retryDelayMs?: number;
}

/**
 * A RabbitMQ connection with amqplib's own recovery: durable queues, a confirm channel for
 * persistent publishes, consumers re-created after every reconnect.
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
        for (const queue of options.queues) await channel.assertQueue(queue, { durable: true });
        channel.on('error', (err) => options.logger.warn({ err }, 'amqp publish channel error'));
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
  connection.on('error', (err: Error) => options.logger.warn({ err }, 'amqp connection error'));
  await connection.waitForConnect();

  return {
    async publishJson(queue, body, publishOptions = {}) {
      const channel = publisher;
      if (!channel) throw new Error('RabbitMQ is not connected');
      const content = Buffer.from(JSON.stringify(body));
      await new Promise<void>((resolve, reject) => {
        channel.sendToQueue(
          queue,
          content,
          { persistent: true, contentType: 'application/json', messageId: publishOptions.messageId },
          (err) => (err ? reject(err instanceof Error ? err : new Error('message was nacked by the broker')) : resolve()),
        );
      });
    },
    async consumeJson(queue, handler, consumeOptions = {}) {
      const consumer = { queue, handler, prefetch: consumeOptions.prefetch ?? 10 };
      consumers.push(consumer);
      if (model) await startConsumer(model, consumer, options);
    },
    isConnected: () => publisher !== undefined,
    async close() {
      closed = true;
      await connection.close();
    },
  };
}

async function startConsumer(model: ChannelModel, consumer: Consumer, options: BrokerOptions) {
  const channel = await model.createChannel();
  await channel.assertQueue(consumer.queue, { durable: true });
  await channel.prefetch(consumer.prefetch);
  channel.on('error', (err) => options.logger.warn({ err, queue: consumer.queue }, 'amqp consumer channel error'));
  await channel.consume(consumer.queue, async (message) => {
    if (!message) return;
    let body: unknown;
    try {
      body = JSON.parse(message.content.toString('utf8'));
    } catch {
      // Not JSON: no retry can fix it. Drop it (acked) rather than redeliver it forever.
      options.logger.warn({ queue: consumer.queue, messageId: message.properties.messageId }, 'dropping a message that is not JSON');
      channel.ack(message);
      return;
    }
    try {
      await consumer.handler(body, message);
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
