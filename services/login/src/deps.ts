import type { PrismaClient } from '@pupero/shared/db';
import type { ServiceCall } from '@pupero/shared/http';
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
  /** The ledger, asked before an account is deleted (its coins, withdrawals and deposits); unset without TRANSACTIONS_SERVICE_URL. */
  transactions?: ServiceCall | undefined;
  /** The offers service, told to close a deleted account's offers (it refuses while a trade is open); unset without OFFERS_SERVICE_URL. */
  offers?: ServiceCall | undefined;
  now?: () => Date;
}

export const clock = (deps: Pick<LoginDeps, 'now'>) => (deps.now ? deps.now() : new Date());
