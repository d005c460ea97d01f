import { z } from 'zod';
import { loadConfigOrExit } from '../config.ts';
import { databaseName } from './connection.ts';
import { applyGrants, type DatabaseService, databasePasswordVariable, databaseServices } from './grants.ts';
import { migrate } from './migrate.ts';

// `npm run db:migrate` and Compose's one-shot migrations container: applies pending migrations to
// DATABASE_URL (an admin), then, given every service's database password, creates each service's
// user and grants it exactly what db/grants.ts says. Every variable may also come as `NAME_FILE`.
const password = z.string().min(16, 'must be at least 16 characters').optional();

const configSchema = z
  .object({
    DATABASE_URL: z.string({ message: 'is required' }).regex(/^(mysql|mariadb):\/\//, 'must be a mysql:// URL'),
    LOGIN_DATABASE_PASSWORD: password,
    OFFERS_DATABASE_PASSWORD: password,
    TRANSACTIONS_DATABASE_PASSWORD: password,
    WALLET_DATABASE_PASSWORD: password,
    FRONTEND_DATABASE_PASSWORD: password,
    // Where the services connect from ('%': anywhere, as on Compose's network).
    DATABASE_USER_HOST: z.string().min(1).default('%'),
    DATABASE_USER_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_]+$/)
      .default('pupero_'),
  })
  .superRefine((env, ctx) => {
    const given = databaseServices.filter((s) => env[databasePasswordVariable(s) as keyof typeof env]);
    if (given.length > 0 && given.length < databaseServices.length) {
      const missing = databaseServices.filter((s) => !given.includes(s)).map(databasePasswordVariable);
      ctx.addIssue({ code: 'custom', message: `the service users need every password; missing ${missing.join(', ')}` });
    }
  });

const config = loadConfigOrExit(configSchema, process.env);

const applied = await migrate(config.DATABASE_URL);
process.stdout.write(applied.length ? `Applied ${applied.join(', ')}\n` : 'Database is up to date\n');

const passwords = Object.fromEntries(databaseServices.map((s) => [s, config[databasePasswordVariable(s) as keyof typeof config]]));
if (Object.values(passwords).every(Boolean)) {
  const changes = await applyGrants(config.DATABASE_URL, databaseName(config.DATABASE_URL), passwords as Record<DatabaseService, string>, {
    host: config.DATABASE_USER_HOST,
    userPrefix: config.DATABASE_USER_PREFIX,
  });
  const users = databaseServices.map((s) => `${config.DATABASE_USER_PREFIX}${s}`).join(', ');
  process.stdout.write(`Users ${users}: passwords set, ${changes.length ? `${changes.length} grant changes` : 'grants up to date'}\n`);
}
