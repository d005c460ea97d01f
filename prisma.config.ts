import { defineConfig } from 'prisma/config';

// Only `validate`, `format` and `generate` run here (no schema engine offline); migrations are SQL
// applied by packages/shared/src/db/migrate.ts, or by `prisma migrate deploy` where the engine exists.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/pupero' },
});
