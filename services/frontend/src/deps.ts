import type { PrismaClient } from '@pupero/shared/db';
import type { Logger } from 'pino';
import type { GatewayClient } from './api-client/client.ts';
import type { Config } from './config.ts';
import type { Sealer } from './session/sealed.ts';
import type { PrismaSessionStore } from './session/store.ts';

export interface FrontendDeps {
  config: Config;
  logger: Logger;
  /** Only for the session store: everything else goes through the gateway. */
  prisma: PrismaClient;
  sessionStore: PrismaSessionStore;
  gateway: GatewayClient;
  sealer: Sealer;
}
