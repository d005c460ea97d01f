import helmet from 'helmet';
import type { Config } from '../config.ts';

/**
 * Helmet with a strict CSP: scripts and styles only from our own /static files (no inline code at
 * all), images also as data: URLs (the QR codes), forms only to ourselves, no framing. HSTS and
 * upgrade-insecure-requests only where the cookie is Secure, i.e. behind HTTPS.
 */
export function securityHeaders(config: Config) {
  const https = config.SESSION_COOKIE_SECURE;
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
  });
}
