import { generateKeyPair } from './keys.ts';

/**
 * Who holds which key: the one table of trust between the services. A callee believes a service
 * token (or a signed message) only from the callers listed here, by each caller's public key.
 */
export const serviceNames = ['login', 'offers', 'transactions', 'wallet-manager', 'gateway', 'frontend'] as const;
export type ServiceName = (typeof serviceNames)[number];

export const callersOf: Readonly<Record<ServiceName, readonly ServiceName[]>> = {
  // TOTP checks before a withdrawal (transactions) or a release (offers).
  login: ['transactions', 'offers'],
  // Closing a deleted account's offers.
  offers: ['login'],
  // Holds (offers), deposit credits and withdrawal results (wallet manager), open money before a deletion (login).
  transactions: ['offers', 'wallet-manager', 'login'],
  // Withdrawal requests, as signed messages.
  'wallet-manager': ['transactions'],
  // The browser's address, vouched for by the frontend.
  gateway: ['frontend'],
  frontend: [],
};

/** Services that check users' access tokens (the frontend never sees one it did not get from login). */
export const accessTokenVerifiers: readonly ServiceName[] = ['login', 'offers', 'transactions', 'wallet-manager', 'gateway'];

/** Services that sign service tokens or messages: every caller of some callee. */
export const serviceSigners: readonly ServiceName[] = serviceNames.filter((name) =>
  serviceNames.some((callee) => callersOf[callee].includes(name)),
);

export interface KeyPairText {
  privateKey: string;
  publicKey: string;
}

/** Every key of one deployment: login's access-token key and each signing service's own key. */
export interface KeyRing {
  accessToken: KeyPairText;
  services: Partial<Record<ServiceName, KeyPairText>>;
}

export function generateKeyRing(): KeyRing {
  return {
    accessToken: generateKeyPair(),
    services: Object.fromEntries(serviceSigners.map((name) => [name, generateKeyPair()])),
  };
}

/**
 * The key variables of one service, and nothing more: its own private keys, and the public keys of
 * login (access tokens) and of its callers. `privateKeyFile` names a file instead of the key itself
 * (`…_FILE`), as `npm start` and Compose do.
 */
export function keyEnvironment(
  ring: KeyRing,
  service: ServiceName,
  privateKeyFile?: (key: 'access-token' | ServiceName) => string,
): Record<string, string> {
  const env: Record<string, string> = {};
  const setPrivate = (variable: string, owner: 'access-token' | ServiceName, key: string) => {
    if (privateKeyFile) env[`${variable}_FILE`] = privateKeyFile(owner);
    else env[variable] = key;
  };
  if (service === 'login') setPrivate('ACCESS_TOKEN_SIGNING_KEY', 'access-token', ring.accessToken.privateKey);
  if (accessTokenVerifiers.includes(service)) env.ACCESS_TOKEN_PUBLIC_KEYS = ring.accessToken.publicKey;
  const own = ring.services[service];
  if (own) setPrivate('SERVICE_SIGNING_KEY', service, own.privateKey);
  const peers = callersOf[service].map((caller) => `${caller}=${ring.services[caller]?.publicKey ?? ''}`);
  if (peers.length > 0) env.SERVICE_PUBLIC_KEYS = peers.join(',');
  return env;
}
