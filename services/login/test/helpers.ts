import type { AddressInfo } from 'node:net';
import { loadConfig } from '@pupero/shared/config';
import { createPrismaClient, type PrismaClient } from '@pupero/shared/db';
import { createSigningKey } from '@pupero/shared/jwt';
import { createTestDatabase, type JsonClient, jsonClient, type TestDatabase, testSecret } from '@pupero/shared/testing';
import { buildApp } from '../src/app.ts';
import { configSchema } from '../src/config.ts';
import type { LoginDeps } from '../src/deps.ts';

export interface TestLogin {
  url: string;
  api: JsonClient;
  prisma: PrismaClient;
  deps: LoginDeps;
  db: TestDatabase;
  close(): Promise<void>;
}

/** The real login service on a fresh database, listening on a free port. */
export async function startLogin(env: Record<string, string> = {}, options: { now?: () => Date } = {}): Promise<TestLogin> {
  const db = await createTestDatabase();
  const config = loadConfig(configSchema, {
    DATABASE_URL: db.url,
    JWT_SECRET: testSecret(),
    SERVICE_TOKEN_SECRET: testSecret(),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const prisma = createPrismaClient(config.DATABASE_URL, { connectionLimit: 5 });
  const tokens = { key: createSigningKey(config.JWT_SECRET), issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE };
  const serviceKey = createSigningKey(config.SERVICE_TOKEN_SECRET);
  const deps: LoginDeps = { config, prisma, tokens, serviceKey, ...(options.now ? { now: options.now } : {}) };
  const app = buildApp(deps, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    url,
    api: jsonClient(url),
    prisma,
    deps,
    db,
    async close() {
      await app.close();
      await prisma.$disconnect();
      await db.drop();
    },
  };
}
