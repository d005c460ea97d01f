// Generates the Prisma client offline: every Prisma CLI command first tries to download its schema
// engine, which this network cannot reach; pointing PRISMA_SCHEMA_ENGINE_BINARY at any file lets
// validate, format and generate run (they do not need it). Migrations go through our SQL runner.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? `${root}scripts/no-schema-engine.sh`,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
execFileSync('pnpm', ['exec', 'prisma', 'generate'], { cwd: root, env, stdio: 'inherit' });
