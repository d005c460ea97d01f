import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, Response } from 'express';

/**
 * Synchroniser tokens: one per session, kept in the server-side session, sent back by every form
 * as `_csrf`. Every method but GET, HEAD and OPTIONS is checked; a missing or wrong token is 403.
 * The token is made only when a page renders a form, so browsing the offer book anonymously
 * creates no session.
 */
export function createCsrf() {
  const { csrfSynchronisedProtection, generateToken, invalidCsrfTokenError } = csrfSync({
    getTokenFromRequest: (req) => (typeof req.body?._csrf === 'string' ? req.body._csrf : undefined),
  });
  function exposeToken(req: Request, res: Response, next: NextFunction) {
    res.locals.csrfToken = () => generateToken(req);
    next();
  }
  return { protect: csrfSynchronisedProtection, exposeToken, invalidCsrfTokenError };
}

export const isCsrfError = (err: unknown) => (err as { code?: string } | undefined)?.code === 'EBADCSRFTOKEN';
