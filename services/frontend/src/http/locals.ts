import type { NextFunction, Request, Response } from 'express';
import { readerOf } from '../i18n/reader.ts';
import { LANGUAGES } from '../i18n/setup.ts';

/** What every page may show: the signed-in user (never the tokens) and a one-time message. */
export function pageLocals(req: Request, res: Response, next: NextFunction) {
  res.locals.user = req.session.auth?.user ?? null;
  // A signed-in page (balances, a pending 2FA secret) must not come back from the cache after logout.
  if (res.locals.user) res.set('Cache-Control', 'no-store');
  res.locals.path = req.path;
  // Taken when a page shows it, not by whatever request comes first (a redirect, a 404 of the browser's own).
  res.locals.takeFlash = () => {
    const flash = req.session.flash;
    delete req.session.flash;
    return flash;
  };
  next();
}

/**
 * The reader's language, time zone and formats for the templates. Right after the i18n middleware,
 * before the session and the CSRF check, so that their error pages are in the reader's language too.
 */
export function readerLocals(req: Request, res: Response, next: NextFunction) {
  const reader = readerOf(req);
  Object.assign(res.locals, {
    lang: reader.language,
    timeZone: reader.timeZone,
    languages: LANGUAGES,
    when: reader.when,
    amount: reader.amount,
    count: reader.count,
    methodLabel: (method: string) => reader.t(`method.${method}`),
    stateLabel: (state: string) => reader.t(`state.${state}`),
    // Where the switcher comes back to: this page, unless it answers a form (whose URL takes only POSTs).
    here: req.method === 'GET' ? req.originalUrl : '/',
  });
  next();
}
