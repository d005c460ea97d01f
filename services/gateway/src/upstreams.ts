import type { Config } from './config.ts';

/**
 * The public API, service by service: a path prefix, where it goes, and which of its paths need no
 * access token. Everything else under a prefix is checked at the gateway before it is proxied.
 */
export interface Upstream {
  name: string;
  prefix: string;
  url: string;
  publicPaths: readonly string[];
}

export function upstreams(config: Config): Upstream[] {
  return [
    {
      name: 'login',
      prefix: '/auth',
      url: config.LOGIN_SERVICE_URL,
      publicPaths: ['/auth/register', '/auth/login', '/auth/token/refresh', '/auth/logout'],
    },
  ];
}

/** Limits that apply per client address: tighter on the paths that guess passwords or create accounts. */
export const credentialPaths = new Set(['/auth/login', '/auth/register', '/auth/token/refresh']);
