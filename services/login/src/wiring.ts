import { createPrismaClient } from '@pupero/shared/db';
import { tokenSettingsFrom } from '@pupero/shared/jwt';
import { tokenVersionCheck } from '@pupero/shared/revocation';
import type { Config } from './config.ts';
import type { LoginDeps } from './deps.ts';
import { tokenVersionOf } from './domain/sessions.ts';

/** The login service's dependencies, for server.ts and the tests alike. */
export function createDeps(config: Config, options: { connectionLimit?: number; now?: () => Date } = {}): LoginDeps {
  const prisma = createPrismaClient(config.DATABASE_URL, options.connectionLimit ? { connectionLimit: options.connectionLimit } : {});
  return {
    config,
    prisma,
    tokens: tokenSettingsFrom(
      config,
      tokenVersionCheck((userId) => tokenVersionOf({ prisma }, userId)),
    ),
    issuer: { key: config.ACCESS_TOKEN_SIGNING_KEY, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
    ...(options.now ? { now: options.now } : {}),
  };
}
