import type { NextFunction, Request, Response } from 'express';

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
