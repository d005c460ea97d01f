import type { Request, Response } from 'express';
import type { Config } from '../config.ts';

/**
 * The device cookie (OWASP): the signed device token login gave this browser at its last
 * successful login. Sent back with each login, it lets the browser in while strangers' failures
 * hold up everyone else on the account or the address. HttpOnly, SameSite=Lax, Secure like the
 * session cookie; it outlives logouts on purpose.
 */
export const DEVICE_COOKIE = 'pupero_device';
const DEVICE_COOKIE_DAYS = 365;

export function deviceTokenOf(req: Request): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name !== DEVICE_COOKIE) continue;
    try {
      const token = decodeURIComponent(value.join('='));
      return token.length > 0 && token.length <= 2048 ? token : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function rememberDevice(config: Pick<Config, 'SESSION_COOKIE_SECURE'>, res: Response, deviceToken: string) {
  res.cookie(DEVICE_COOKIE, deviceToken, {
    httpOnly: true,
    secure: config.SESSION_COOKIE_SECURE,
    sameSite: 'lax',
    path: '/',
    maxAge: DEVICE_COOKIE_DAYS * 86_400_000,
  });
}
