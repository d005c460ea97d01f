import type { Config } from './config.ts';

/**
 * The public API, service by service. A request is proxied only when its method and path match a
 * declared route; everything else (the services' internal endpoints among them) is 404 here.
 */
export interface PublicRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: RegExp;
  /** Needs a valid access token, checked here before anything is proxied. */
  auth: boolean;
}

export interface Upstream {
  name: string;
  url: string;
  /** Path prefixes owned by the service, and what each becomes upstream. */
  mounts: { prefix: string; rewritePrefix: string }[];
  routes: PublicRoute[];
}

const route = (method: PublicRoute['method'], path: string, auth = true): PublicRoute => ({
  method,
  path: new RegExp(`^${path.replaceAll(':id', '[A-Za-z0-9_-]{1,64}')}$`),
  auth,
});

export function upstreams(config: Config): Upstream[] {
  const list: Upstream[] = [
    {
      name: 'login',
      url: config.LOGIN_SERVICE_URL,
      mounts: [{ prefix: '/auth', rewritePrefix: '' }],
      routes: [
        route('POST', '/auth/register', false),
        route('POST', '/auth/login', false),
        route('POST', '/auth/token/refresh', false),
        route('POST', '/auth/logout', false),
        route('GET', '/auth/me'),
        route('PUT', '/auth/me'),
        route('DELETE', '/auth/me'),
        route('POST', '/auth/me/logout-all'),
        route('POST', '/auth/2fa/enable'),
        route('POST', '/auth/2fa/confirm'),
        route('POST', '/auth/2fa/disable'),
        route('GET', '/auth/admin/users'),
        route('PUT', '/auth/admin/users/:id/role'),
      ],
    },
  ];
  if (config.TRANSACTIONS_SERVICE_URL) {
    list.push({
      name: 'transactions',
      url: config.TRANSACTIONS_SERVICE_URL,
      mounts: ['/balances', '/transactions', '/withdraw', '/withdrawals', '/admin/ledger', '/admin/withdrawals'].map((prefix) => ({
        prefix,
        rewritePrefix: prefix,
      })),
      routes: [
        route('GET', '/balances/:id'),
        route('GET', '/transactions'),
        route('POST', '/withdraw'),
        route('GET', '/withdraw/terms'),
        route('GET', '/withdrawals'),
        route('GET', '/withdrawals/:id'),
        route('GET', '/admin/ledger/summary'),
        route('POST', '/admin/ledger/corrections'),
        route('GET', '/admin/withdrawals'),
      ],
    });
  }
  if (config.OFFERS_SERVICE_URL) {
    list.push({
      name: 'offers',
      url: config.OFFERS_SERVICE_URL,
      mounts: ['/offers', '/me/offers', '/trades', '/users', '/prices', '/admin/disputes', '/admin/prices'].map((prefix) => ({
        prefix,
        rewritePrefix: prefix,
      })),
      routes: [
        route('GET', '/offers', false),
        route('POST', '/offers'),
        route('GET', '/offers/:id', false),
        route('PATCH', '/offers/:id'),
        route('DELETE', '/offers/:id'),
        route('POST', '/offers/:id/trades'),
        route('GET', '/me/offers'),
        route('GET', '/trades'),
        route('GET', '/trades/:id'),
        ...['paid', 'release', 'cancel', 'dispute', 'feedback'].map((action) => route('POST', `/trades/:id/${action}`)),
        route('PUT', '/trades/:id/payment-details'),
        route('GET', '/trades/:id/messages'),
        route('POST', '/trades/:id/messages'),
        route('GET', '/users/:id', false),
        route('GET', '/prices/:id', false),
        route('PUT', '/admin/prices/:id'),
        route('GET', '/admin/disputes'),
        route('POST', '/admin/disputes/:id/resolve'),
      ],
    });
  }
  if (config.WALLET_MANAGER_SERVICE_URL) {
    list.push({
      name: 'wallet-manager',
      url: config.WALLET_MANAGER_SERVICE_URL,
      mounts: ['/wallet', '/admin/withdraw', '/admin/wallet', '/dev'].map((prefix) => ({ prefix, rewritePrefix: prefix })),
      routes: [
        route('GET', '/wallet/deposit-address'),
        route('GET', '/wallet/deposits'),
        route('POST', '/admin/withdraw/execute'),
        route('GET', '/admin/wallet/reconcile'),
        // Answered only on regtest; the wallet manager registers it nowhere else.
        route('POST', '/dev/faucet'),
      ],
    });
  }
  return list;
}

/**
 * Limits that apply per client address: tighter on the requests that check a password or a code
 * (each an argon2 hash) or create accounts. Keyed by method and path: GET /auth/me stays under
 * the general limit.
 */
export const credentialPaths = new Set([
  'POST /auth/login',
  'POST /auth/register',
  'POST /auth/token/refresh',
  'PUT /auth/me',
  'DELETE /auth/me',
  'POST /auth/2fa/enable',
  'POST /auth/2fa/confirm',
  'POST /auth/2fa/disable',
]);

export const isCredentialRequest = (method: string, path: string) => credentialPaths.has(`${method.toUpperCase()} ${path}`);
