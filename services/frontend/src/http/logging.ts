import { randomUUID } from 'node:crypto';
import { loggerOptions } from '@pupero/shared/logger';
import pino, { type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/** The frontend's logger: the shared options (JSON, service name, credentials and cookies redacted). */
export function createLogger(level: string): Logger {
  return pino(loggerOptions('frontend', level));
}

/**
 * One log line per request, and a fresh `x-request-id` that the gateway and every service behind it
 * reuse. A browser's own x-request-id is not taken: it would let a page pick the id of another's log.
 */
export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (_req, res) => {
      const id = randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    autoLogging: { ignore: (req) => req.url?.startsWith('/static/') === true || req.url === '/healthz' },
  });
}
