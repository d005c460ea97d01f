import { existsSync } from 'node:fs';
import { createPrismaClient } from '@pupero/shared/db';
import { roles } from '@pupero/shared/jwt';
import { setRole } from '../domain/roles.ts';

// Usage: npm run set-role -- <username> <user|moderator|admin>
// DATABASE_URL comes from the environment, or else from Pupero-Assets/.env.
const envFile = new URL('../../../../Pupero-Assets/.env', import.meta.url);
if (!process.env.DATABASE_URL && existsSync(envFile)) process.loadEnvFile(envFile);

const [username, role] = process.argv.slice(2);
if (!username || !roles.includes(role as never)) {
  process.stderr.write(`usage: npm run set-role -- <username> <${roles.join('|')}>\n`);
  process.exit(2);
}
if (!process.env.DATABASE_URL) {
  process.stderr.write('DATABASE_URL is not set\n');
  process.exit(2);
}
const prisma = createPrismaClient(process.env.DATABASE_URL, { connectionLimit: 1 });
try {
  const changed = await setRole({ prisma }, username, role as (typeof roles)[number]);
  process.stdout.write(`${changed.username}: ${changed.from} -> ${changed.to}\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await prisma.$disconnect();
}
