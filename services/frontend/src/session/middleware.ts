import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import type { Config } from '../config.ts';
import type { PrismaSessionStore } from './store.ts';

/**
 * The server-side session: only an opaque id travels in the cookie (HttpOnly, SameSite and Secure
 * from the environment). Without "remember me" the cookie ends with the browser; with it, the login
 * sets a lifetime of REMEMBER_ME_DAYS. Behind HTTPS the cookie takes the __Host- prefix, so no
 * subdomain can set or shadow it.
 */
export function sessions(config: Config, store: PrismaSessionStore) {
  return session({
    name: sessionCookie(config).name,
    secret: config.SESSION_SECRET,
    store,
    resave: false,
    saveUninitialized: false,
    proxy: config.FRONTEND_TRUST_PROXY !== false,
    cookie: sessionCookie(config).options,
  });
}

/** The session cookie's name and attributes: the same to set it and to clear it. */
export function sessionCookie(config: Config) {
  return {
    name: config.SESSION_COOKIE_SECURE ? '__Host-pupero' : 'pupero',
    options: { httpOnly: true, secure: config.SESSION_COOKIE_SECURE, sameSite: config.SESSION_COOKIE_SAMESITE, path: '/' },
  };
}

export const rememberMeMs = (config: Config) => config.REMEMBER_ME_DAYS * 24 * 3600 * 1000;

/**
 * A redirect leaves only once its session is stored. express-session saves at the response's end,
 * but sends the headers first: the browser follows the Location at once, and the next page read
 * the session without what this request wrote (the welcome after sign-up, a form's token). An
 * anonymous session that holds nothing is not stored for a redirect.
 */
export function saveBeforeRedirect(req: Request, res: Response, next: NextFunction) {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    const session = req.session;
    if (!session || Object.keys(session).every((key) => key === 'cookie')) return redirect(...args);
    session.save((err) => (err ? next(err) : redirect(...args)));
  }) as Response['redirect'];
  next();
}
