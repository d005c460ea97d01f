// Prints, as JSON, what `npm start` adds over Pupero-Assets/.env: for each service only its own
// keys (the machine's ring under .run/keys, made on the first start) and its own database user
// (passwords under .run/database, made once); and for the migrations, the passwords of those users.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { databaseName, databasePasswordVariable, databaseServices, databaseUserOf, serviceDatabaseUrl } from '@pupero/shared/db';
import { keyEnvironment, serviceNames } from '@pupero/shared/key-plan';
import { loadOrCreateKeyRing } from './keys.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (...parts: string[]) => path.join(root, '.run', ...parts);
const env = { ...parseEnv(readFileSync(path.join(root, 'Pupero-Assets/.env'), 'utf8')), ...process.env };
const adminUrl = env.DATABASE_URL;
if (!adminUrl) throw new Error('DATABASE_URL is not set (Pupero-Assets/.env)');

const ring = loadOrCreateKeyRing(run('keys'));
const keyFile = (holder: string) => run('keys', `${holder}.key`);

/** A password made once per machine and kept (mode 0600), so users and services agree across starts. */
function passwordFile(kind: string, name: string): string {
  const file = run(kind, `${name}.password`);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  return file;
}

const database = databaseName(adminUrl);
const services = Object.fromEntries(
  serviceNames.map((service) => {
    const own: Record<string, string> = keyEnvironment(ring, service, keyFile);
    if (service in databaseUserOf) {
      const user = databaseUserOf[service as keyof typeof databaseUserOf];
      own.DATABASE_URL = serviceDatabaseUrl(adminUrl, database, user, readFileSync(passwordFile('database', user), 'utf8'));
    }
    return [service, own];
  }),
);
const migrations = Object.fromEntries(
  databaseServices.map((user) => [`${databasePasswordVariable(user)}_FILE`, passwordFile('database', user)]),
);
process.stdout.write(JSON.stringify({ services, migrations }));
