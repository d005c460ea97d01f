// `npm run keys [DIR]`: a new key ring for one deployment. Each private key is a file of its own
// (DIR/<holder>.key, mode 0600; for Compose, compose/generate-secrets.sh DIR makes them readable by the
// containers' user and adds the passwords: mount each only into its own service); the
// public keys are printed as the variables the services read. Without DIR: .run/keys, which
// `npm start` uses (and creates on first start). An existing ring is kept unless --new is given.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyRing, type KeyRing, serviceSigners } from '@pupero/shared/key-plan';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The ring in `dir`, made there first if it is missing (or `fresh`). */
export function loadOrCreateKeyRing(dir: string, fresh = false): KeyRing {
  const ringFile = path.join(dir, 'ring.json');
  if (!fresh && existsSync(ringFile)) return JSON.parse(readFileSync(ringFile, 'utf8')) as KeyRing;
  const ring = generateKeyRing();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(dir, 'access-token.key'), `${ring.accessToken.privateKey}\n`, { mode: 0o600 });
  for (const name of serviceSigners) writeFileSync(path.join(dir, `${name}.key`), `${ring.services[name]!.privateKey}\n`, { mode: 0o600 });
  writeFileSync(ringFile, JSON.stringify(ring, null, 2), { mode: 0o600 });
  return ring;
}

/** The public half, as lines of an env file for Compose and the operators' records. */
export function publicKeyLines(ring: KeyRing): string[] {
  return [
    `ACCESS_TOKEN_PUBLIC_KEYS=${ring.accessToken.publicKey}`,
    ...serviceSigners.map((name) => `${name.toUpperCase().replace('-', '_')}_PUBLIC_KEY=${ring.services[name]!.publicKey}`),
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const dir = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(root, '.run/keys'));
  const ring = loadOrCreateKeyRing(dir, args.includes('--new'));
  process.stdout.write(`# private keys: ${dir}/<holder>.key (access-token.key is login's alone)\n${publicKeyLines(ring).join('\n')}\n`);
}
