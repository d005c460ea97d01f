import { type Request, type Response, Router } from 'express';
import type { FrontendDeps } from '../deps.ts';
import { isTimeZone, TIME_ZONE_COOKIE } from '../i18n/format.ts';
import { LANGUAGE_COOKIE, LANGUAGES, type Language } from '../i18n/setup.ts';
import { field, flash, safeNext } from '../routes/support.ts';

const YEAR_MS = 365 * 86_400_000;

/** A preference, not a secret: readable by app.js (which sets the time zone once), Lax like the session. */
function remember(deps: Pick<FrontendDeps, 'config'>, res: Response, name: string, value: string) {
  res.cookie(name, value, { sameSite: 'lax', secure: deps.config.SESSION_COOKIE_SECURE, path: '/', maxAge: YEAR_MS });
}

const isLanguage = (value: unknown): value is Language => LANGUAGES.includes(value as Language);

/**
 * The language switcher (plain links on every page, so it works without JavaScript) and the
 * account page's language and time zone form. Both remember the choice in cookies.
 */
export function preferenceRoutes(deps: Pick<FrontendDeps, 'config'>) {
  const router = Router();

  router.get('/language/:language', (req: Request, res: Response) => {
    if (isLanguage(req.params.language)) remember(deps, res, LANGUAGE_COOKIE, req.params.language);
    res.redirect(safeNext(req.query.next));
  });

  router.post('/preferences', (req, res) => {
    const language = field(req.body, 'language');
    const timeZone = field(req.body, 'timeZone');
    if (isLanguage(language)) remember(deps, res, LANGUAGE_COOKIE, language);
    if (isTimeZone(timeZone)) remember(deps, res, TIME_ZONE_COOKIE, timeZone);
    // The next page is already in the new language: the flash is written in it.
    flash(req, 'ok', req.t('flash.preferencesSaved', { lng: isLanguage(language) ? language : req.language }) as string);
    res.redirect(safeNext(req.body?.next));
  });

  return router;
}
