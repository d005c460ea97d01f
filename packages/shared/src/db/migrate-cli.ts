import { migrate } from './migrate.ts';

// `npm run db:migrate`: applies pending migrations to DATABASE_URL.
const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('DATABASE_URL is required\n');
  process.exit(2);
}
const applied = await migrate(url);
process.stdout.write(applied.length ? `Applied ${applied.join(', ')}\n` : 'Database is up to date\n');
