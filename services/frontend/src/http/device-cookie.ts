import type { Request, Response } from 'express';
import type { Config } from '../config.ts';
import { cookieValue } from './cookies.ts';

/**
 * The device cookie (OWASP): the signed device token login gave this browser at its last
 * successful login. Sent back with each login, it lets the browser in while strangers' failures
 * hold up everyone else on the account or the address. HttpOnly, SameSite=Lax, Secure like the
 * session cookie; it outlives logouts on purpose.
 */
export const DEVICE_COOKIE = 'pupero_device';
const DEVICE_COOKIE_DAYS = 365;

export const deviceTokenOf = (req: Request): string | undefined => cookieValue(req, DEVICE_COOKIE);

export function rememberDevice(config: Pick<Config, 'SESSION_COOKIE_SECURE'>, res: Response, deviceToken: string) {
  res.cookie(DEVICE_COOKIE, deviceToken, {
    httpOnly: true,
    secure: config.SESSION_COOKIE_SECURE,
    sameSite: 'lax',
    path: '/',
    maxAge: DEVICE_COOKIE_DAYS * 86_400_000,
  });
}
