import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import { formatXmr, positiveXmrAmount } from '@pupero/shared/money';
import { z } from 'zod';
import type { WalletDeps } from '../deps.ts';
import { depositAddressFor } from '../domain/deposit-addresses.ts';

const MAX_FAUCET = 100_000_000_000_000n;

/**
 * Regtest conveniences, registered only when MONERO_NETWORK is regtest and a faucet wallet is
 * configured: the faucet pays the caller's deposit address from its own wallet (mined coins), a
 * real outside payment that the deposit watcher then credits like any other.
 */
export function regtestRoutes(app: Server, deps: WalletDeps) {
  const faucet = deps.faucet;
  if (deps.config.MONERO_NETWORK !== 'regtest' || !faucet) return;
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
      await faucet.sync();
      const tx = await faucet.createTx({ accountIndex: 0, address, amount: request.body.amount, relay: true });
      return { txHash: tx.getHash(), address, amount: formatXmr(request.body.amount) };
    },
  );
}
