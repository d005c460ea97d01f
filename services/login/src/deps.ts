import type { KeyObject } from 'node:crypto';
import type { PrismaClient } from '@pupero/shared/db';
import type { TokenSettings } from '@pupero/shared/jwt';
import type { Config } from './config.ts';

/** Everything the login service's routes and domain functions need, passed in (never imported). */
export interface LoginDeps {
  config: Config;
  prisma: PrismaClient;
  tokens: TokenSettings;
  /** Verifies service tokens of the services that may ask login to check a TOTP code. */
  serviceKey: KeyObject;
  now?: () => Date;
}

export const clock = (deps: LoginDeps) => (deps.now ? deps.now() : new Date());
