import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import { z } from 'zod';
import type { WalletDeps } from '../deps.ts';
import { depositAddressFor } from '../domain/deposit-addresses.ts';
import { depositStates, depositsOf } from '../domain/deposits.ts';

const addressView = z.object({ address: z.string(), subaddressIndex: z.number().int(), uri: z.string() });
const depositsView = z.object({
  /** Deposits below this are DUST: shown, never credited. */
  minimum: z.string(),
  /** A deposit is credited at this many confirmations. */
  requiredConfirmations: z.number().int(),
  /** The block time the estimates use. */
  secondsPerBlock: z.number().int(),
  items: z.array(
    z.object({
      txHash: z.string(),
      amount: z.string(),
      confirmations: z.number().int(),
      state: z.enum(depositStates),
      /** About how long until it is credited (pending deposits only). */
      secondsLeft: z.number().int().nullable(),
      createdAt: z.string(),
    }),
  ),
});

export function walletRoutes(app: Server, deps: WalletDeps) {
  const authenticate = requireUser(deps.tokens);

  app.get('/wallet/deposit-address', { onRequest: authenticate, schema: { response: { 200: addressView } } }, async (request) => {
    return depositAddressFor(deps, identityOf(request).userId);
  });

  app.get('/wallet/deposits', { onRequest: authenticate, schema: { response: { 200: depositsView } } }, async (request) => {
    return depositsOf(deps, identityOf(request).userId);
  });
}
