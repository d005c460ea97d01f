// Prints, as JSON, the environment `npm start` gives each service over Pupero-Assets/.env: the
// machine's own key ring under .run/keys (made on the first start), each service holding only its
// own private key (as a file) and its peers' public keys.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyEnvironment, serviceNames } from '@pupero/shared/key-plan';
import { loadOrCreateKeyRing } from './keys.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const keysDir = path.join(root, '.run/keys');
const ring = loadOrCreateKeyRing(keysDir);
const keyFile = (holder: string) => path.join(keysDir, `${holder}.key`);
const environments = Object.fromEntries(serviceNames.map((service) => [service, keyEnvironment(ring, service, keyFile)]));
process.stdout.write(JSON.stringify(environments));
