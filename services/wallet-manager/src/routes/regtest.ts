import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import { formatXmr, positiveXmrAmount } from '@pupero/shared/money';
import { z } from 'zod';
import type { WalletDeps } from '../deps.ts';
import { depositAddressFor } from '../domain/deposit-addresses.ts';

const MAX_FAUCET = 100_000_000_000_000n;

/**
 * Regtest conveniences, registered only when MONERO_NETWORK is regtest: a faucet that pays the
 * caller's deposit address from the platform wallet's own (mined, unowed) coins.
 */
export function regtestRoutes(app: Server, deps: WalletDeps) {
  if (deps.config.MONERO_NETWORK !== 'regtest') return;
  const authenticate = requireUser(deps.tokens);
  const body = z.strictObject({
    amount: positiveXmrAmount.refine((v) => v <= MAX_FAUCET, { message: `at most ${formatXmr(MAX_FAUCET)} XMR` }),
  });

  app.post(
    '/dev/faucet',
    {
      preHandler: authenticate,
      schema: { body, response: { 200: z.object({ txHash: z.string(), address: z.string(), amount: z.string() }) } },
    },
    async (request) => {
      const { address } = await depositAddressFor(deps, identityOf(request).userId);
      const tx = await deps.wallet.createTx({ accountIndex: 0, address, amount: request.body.amount, relay: true });
      return { txHash: tx.getHash(), address, amount: formatXmr(request.body.amount) };
    },
  );
}
