import type { PrismaClient } from '@pupero/shared/db';
import type { TokenIssuer, TokenSettings } from '@pupero/shared/jwt';
import type { Config } from './config.ts';

/** Everything the login service's routes and domain functions need, passed in (never imported). */
export interface LoginDeps {
  config: Config;
  prisma: PrismaClient;
  /** Verifies access tokens (with the revocation check), as every service does. */
  tokens: TokenSettings;
  /** Signs access tokens: only login has it. */
  issuer: TokenIssuer;
  now?: () => Date;
}

export const clock = (deps: LoginDeps) => (deps.now ? deps.now() : new Date());
