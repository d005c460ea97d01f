import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { GatewayError, GatewayUnavailableError, SessionExpiredError } from '../api-client/errors.ts';
import { isCsrfError } from '../security/csrf.ts';

const SIGNED_OUT_CODES = new Set(['UNAUTHENTICATED', 'TOKEN_INVALID', 'TOKEN_EXPIRED']);

/** Pages nobody has. */
export function notFound(_req: Request, res: Response) {
  res.status(404).render('error', { title: 'Not found', message: 'There is no such page.' });
}

/**
 * The one error middleware: what a route did not show on its own form ends here. A stale session
 * goes back to the login; the gateway's 4xx is shown as it reads; the gateway's 5xx or silence is
 * a friendly 503; anything else a 500. Never a stack trace, never the details of a failure.
 */
export function errorPages(logger: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (isCsrfError(err)) {
      return res.status(403).render('error', {
        title: 'Form expired',
        message: 'This form was not sent from a current Pupero page. Go back, reload the page and try again.',
      });
    }
    if (err instanceof SessionExpiredError || (err instanceof GatewayError && err.statusCode === 401 && SIGNED_OUT_CODES.has(err.code))) {
      return signOut(req, res);
    }
    if (err instanceof GatewayError) {
      if (err.statusCode === 429 && err.retryAfterSeconds !== undefined) res.set('Retry-After', String(err.retryAfterSeconds));
      return res.status(err.statusCode).render('error', { title: titleFor(err.statusCode), message: err.readable });
    }
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return res.status(status).render('error', { title: 'Bad request', message: 'The request could not be read.' });
    }
    if (err instanceof GatewayUnavailableError) {
      logger.warn({ err: err.cause, requestId: req.id }, 'the gateway is unavailable');
      return res.status(503).render('error', {
        title: 'Temporarily unavailable',
        message:
          req.method === 'GET'
            ? 'Pupero cannot answer right now. Please try again in a moment.'
            : 'Pupero did not answer in time, so what you sent may or may not have been done. Please check before sending it again.',
      });
    }
    logger.error({ err, requestId: req.id }, 'request failed');
    return res.status(500).render('error', { title: 'Something went wrong', message: 'Please try again in a moment.' });
  };
}

function signOut(req: Request, res: Response) {
  const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
  const go = () => res.redirect(`/login${next}`);
  if (req.session?.auth) req.session.destroy(go);
  else go();
}

function titleFor(status: number) {
  if (status === 404) return 'Not found';
  if (status === 403) return 'Not allowed';
  if (status === 429) return 'Too many requests';
  return 'That did not work';
}
