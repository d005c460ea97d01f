import { keyId, publicKeyFrom, signingKeyFrom } from './auth/keys.ts';

/**
 * The demo values of `Pupero-Assets/.env` are public: they are refused on any network but regtest.
 * Its secrets and passwords all contain `demo-only`; its keys are known by their ids.
 */
const DEMO_MARKER = 'demo-only';
const DEMO_KEY_IDS = new Set([
  'F3UXRwwgr-G7ajBL', // ACCESS_TOKEN_PUBLIC_KEYS
  'Fy8awfOOJKNCBMO8', // LOGIN_PUBLIC_KEY
  'hVJ1DKXVV2cOmVnr', // OFFERS_PUBLIC_KEY
  'C21MGglcnX0htZcg', // TRANSACTIONS_PUBLIC_KEY
  'rUAylrsNQXTk1BtU', // WALLET_MANAGER_PUBLIC_KEY
  '4IO8yndj0fr3cQ32', // FRONTEND_PUBLIC_KEY
]);

/** Values that look like base64 DER keys (P-256 public keys are 124 characters, private 184). */
const keyLike = /^[A-Za-z0-9+/]{100,}={0,2}$/;

function demoKeyIn(value: string): boolean {
  return value.split(/[\s,=]+/).some((token) => {
    if (!keyLike.test(token)) return false;
    for (const parse of [(t: string) => keyId(signingKeyFrom(t).key), (t: string) => keyId(publicKeyFrom(t))]) {
      try {
        if (DEMO_KEY_IDS.has(parse(token))) return true;
      } catch {
        // not this kind of key
      }
    }
    return false;
  });
}

/**
 * Outside regtest, every variable of the environment holding a demo secret or key, by name (a
 * service refuses them even where it would not use them: the operator forgot to replace them).
 */
export function demoProblems(env: Record<string, string | undefined>): string[] {
  if ((env.MONERO_NETWORK ?? 'mainnet') === 'regtest') return [];
  return Object.entries(env)
    .filter(([, value]) => value !== undefined && (value.includes(DEMO_MARKER) || value.includes('guest:guest@') || demoKeyIn(value)))
    .map(([name]) => `${name}: holds a demo value of Pupero-Assets/.env, refused on ${env.MONERO_NETWORK ?? 'mainnet'}; generate your own`);
}
