import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { GatewayError, GatewayUnavailableError, SessionExpiredError } from '../api-client/errors.ts';
import { readerOf } from '../i18n/reader.ts';
import { describeRefusal } from '../i18n/refusals.ts';
import { isCsrfError } from '../security/csrf.ts';

const SIGNED_OUT_CODES = new Set(['UNAUTHENTICATED', 'TOKEN_INVALID', 'TOKEN_EXPIRED']);

/** The error page, its title and message from the catalogs. */
function errorPage(req: Request, res: Response, status: number, title: string, message: string) {
  const { t } = readerOf(req);
  res.status(status).render('error', { title: t(title), message: t(message) });
}

/** Pages nobody has. */
export function notFound(req: Request, res: Response) {
  errorPage(req, res, 404, 'errorPage.notFound', 'errors.noPage');
}

/**
 * The one error middleware: what a route did not show on its own form ends here. A stale session
 * goes back to the login; the gateway's 4xx is shown in the reader's words; the gateway's 5xx or
 * silence is a friendly 503; anything else a 500. Never a stack trace, never the details of a failure.
 */
export function errorPages(logger: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (isCsrfError(err)) return errorPage(req, res, 403, 'errorPage.formExpired', 'errorPage.formExpiredText');
    if (err instanceof SessionExpiredError || (err instanceof GatewayError && err.statusCode === 401 && SIGNED_OUT_CODES.has(err.code))) {
      return signOut(req, res);
    }
    if (err instanceof GatewayError) {
      if (err.statusCode === 429 && err.retryAfterSeconds !== undefined) res.set('Retry-After', String(err.retryAfterSeconds));
      const reader = readerOf(req);
      return res
        .status(err.statusCode)
        .render('error', { title: reader.t(titleFor(err.statusCode)), message: describeRefusal(err, reader.t, reader.amount) });
    }
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500)
      return errorPage(req, res, status, 'errorPage.badRequest', 'errorPage.badRequestText');
    if (err instanceof GatewayUnavailableError) {
      logger.warn({ err: err.cause, requestId: req.id }, 'the gateway is unavailable');
      const message = req.method === 'GET' ? 'errorPage.unavailableText' : 'errorPage.unavailableUnsure';
      return errorPage(req, res, 503, 'errorPage.unavailable', message);
    }
    logger.error({ err, requestId: req.id }, 'request failed');
    return errorPage(req, res, 500, 'errorPage.failed', 'errorPage.failedText');
  };
}

function signOut(req: Request, res: Response) {
  const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
  const go = () => res.redirect(`/login${next}`);
  if (req.session?.auth) req.session.destroy(go);
  else go();
}

function titleFor(status: number) {
  if (status === 404) return 'errorPage.notFound';
  if (status === 403) return 'errorPage.notAllowed';
  if (status === 429) return 'errorPage.tooMany';
  return 'errorPage.refused';
}
