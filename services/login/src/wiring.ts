import { createPrismaClient } from '@pupero/shared/db';
import { serviceClient } from '@pupero/shared/http';
import { tokenSettingsFrom } from '@pupero/shared/jwt';
import { tokenVersionCheck } from '@pupero/shared/revocation';
import { createServiceTokenSigner } from '@pupero/shared/service-token';
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
    ...peerClients(config),
    ...(options.now ? { now: options.now } : {}),
  };
}

type PeerSettings = Pick<Config, 'SERVICE_SIGNING_KEY' | 'TRANSACTIONS_SERVICE_URL' | 'OFFERS_SERVICE_URL'>;

/** The services login asks when an account is deleted, where their URLs are configured. */
export function peerClients(config: PeerSettings): Pick<LoginDeps, 'transactions' | 'offers'> {
  const serviceToken = createServiceTokenSigner(config.SERVICE_SIGNING_KEY, 'login');
  const client = (baseUrl: string | undefined, callee: string) => (baseUrl ? serviceClient({ baseUrl, callee, serviceToken }) : undefined);
  return { transactions: client(config.TRANSACTIONS_SERVICE_URL, 'transactions'), offers: client(config.OFFERS_SERVICE_URL, 'offers') };
}
