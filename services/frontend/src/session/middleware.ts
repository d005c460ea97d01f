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
