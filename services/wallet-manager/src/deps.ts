import type { Broker } from '@pupero/shared/amqp';
import type { ServiceCall } from '@pupero/shared/http';
import type { TokenSettings } from '@pupero/shared/jwt';
import type { DroppedMessages } from '@pupero/shared/metrics';
import type { Pool } from 'mariadb';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Wallet } from './monero/wallet.ts';

export interface WalletDeps {
  config: Config;
  pool: Pool;
  wallet: Wallet;
  /** Regtest only: the faucet's own wallet, when one is configured. */
  faucet?: Wallet | undefined;
  broker: Broker;
  /** Withdrawal requests dropped by the consumer (forged, malformed, refused); shown on /metrics. */
  droppedMessages: DroppedMessages;
  tokens: TokenSettings;
  /** Calls the transactions service (crediting deposits). */
  transactions: ServiceCall;
  isValidAddress: (address: string) => Promise<boolean>;
  logger: Logger;
}
