import type { AddressInfo } from 'node:net';
import { buildApp, configSchema, createDeps, type LoginDeps, peerClients } from '@pupero/login/testing';
import { loadConfig } from '@pupero/shared/config';
import type { PrismaClient } from '@pupero/shared/db';
import { generateKeyRing, type KeyRing, keyEnvironment } from '@pupero/shared/key-plan';
import { createTestDatabase, type JsonClient, jsonClient, type TestDatabase } from '@pupero/shared/testing';

export interface TestLogin {
  url: string;
  api: JsonClient;
  prisma: PrismaClient;
  deps: LoginDeps;
  db: TestDatabase;
  /** The key ring of this test's deployment: other services started beside login take their keys from it. */
  keys: KeyRing;
  /** Points login at the ledger and the offers service once they listen (they start after login). */
  usePeers(urls: { TRANSACTIONS_SERVICE_URL?: string; OFFERS_SERVICE_URL?: string }): void;
  close(): Promise<void>;
}

/** The real login service on a fresh database, listening on a free port. */
export async function startLogin(env: Record<string, string> = {}, options: { now?: () => Date; keys?: KeyRing } = {}): Promise<TestLogin> {
  const db = await createTestDatabase();
  const keys = options.keys ?? generateKeyRing();
  const config = loadConfig(configSchema, {
    DATABASE_URL: db.urlFor('login'),
    ...keyEnvironment(keys, 'login'),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const deps = createDeps(config, { connectionLimit: 5, ...(options.now ? { now: options.now } : {}) });
  const { prisma } = deps;
  const app = buildApp(deps, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    url,
    api: jsonClient(url),
    prisma,
    deps,
    db,
    keys,
    usePeers(urls) {
      Object.assign(deps, peerClients({ ...config, ...urls }));
    },
    async close() {
      await app.close();
      await prisma.$disconnect();
      await db.drop();
    },
  };
}

/** Login's own role change (what `npm run set-role` does), for a test that sets a role directly in the database. */
export { setRole } from '@pupero/login/testing';
