import type { z } from 'zod';
import type { Broker } from './amqp.ts';
import type { PeerKeys } from './auth/keys.ts';
import { type MessageKind, verifyMessage } from './auth/signed-message.ts';
import { AppError } from './errors.ts';
import type { DroppedMessages } from './http/metrics.ts';

interface Log {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface SignedConsumerOptions<S extends z.ZodType> {
  queue: string;
  kind: MessageKind;
  /** The only services whose messages of this kind are believed here. */
  senders: readonly string[];
  /** The public keys this service holds for its peers (`SERVICE_PUBLIC_KEYS`). */
  peers: PeerKeys;
  schema: S;
  dropped: DroppedMessages;
  logger: Log;
  prefetch?: number;
}

const parseJson = (content: Buffer): unknown => {
  try {
    return JSON.parse(content.toString('utf8'));
  } catch {
    return undefined;
  }
};

/** An AppError's own drop reason (`details.reason`), else its code: `NOT_FOUND` → `not-found`. */
const reasonOf = (error: AppError) =>
  (error.details as { reason?: string } | undefined)?.reason ?? error.code.toLowerCase().replaceAll('_', '-');

/**
 * Hands `handle` only the messages of `queue` signed by one of `senders`, as `kind`, that fit
 * `schema`. Anything else is acked, logged and counted (`pupero_messages_dropped_total`): a forged
 * message must not sit in the queue being retried. So is a message `handle` refuses with a 4xx
 * AppError, which could never succeed later; any other error requeues it.
 */
export function consumeSigned<S extends z.ZodType>(
  broker: Broker,
  options: SignedConsumerOptions<S>,
  handle: (body: z.output<S>) => Promise<void>,
): Promise<void> {
  const drop = (reason: string, details: object, level: 'warn' | 'error' = 'warn') => {
    options.dropped.inc({ message: options.kind, reason });
    options.logger[level]({ ...details, reason, queue: options.queue }, `dropping a ${options.kind} message`);
  };
  return broker.consume(
    options.queue,
    async (message) => {
      const messageId = message.properties.messageId;
      const verdict = verifyMessage(options.kind, message.content, message.properties.headers, options.peers, options.senders);
      if (!verdict.ok) return drop(verdict.reason, { messageId, sender: message.properties.headers?.['x-pupero-sender'] }, 'error');
      const parsed = options.schema.safeParse(parseJson(message.content));
      if (!parsed.success) return drop('malformed', { messageId, issues: parsed.error.issues });
      try {
        await handle(parsed.data);
      } catch (error) {
        if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
        drop(reasonOf(error), { messageId, err: error, body: parsed.data }, error.code === 'CONFLICT' ? 'error' : 'warn');
      }
    },
    { prefetch: options.prefetch },
  );
}
