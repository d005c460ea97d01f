import { AppError } from '@pupero/shared/errors';
import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import { formatXmr, positiveXmrAmount } from '@pupero/shared/money';
import { z } from 'zod';
import type { WalletDeps } from '../deps.ts';
import { depositAddressFor } from '../domain/deposit-addresses.ts';

const MAX_FAUCET = 100_000_000_000_000n;
/** monero-wallet-rpc's "not enough money" and "not enough unlocked money": the faucet's coins are not mined or not unlocked yet. */
const NOT_ENOUGH_MONEY = new Set([-17, -37]);

const notEnoughMoney = () => new AppError('UNPROCESSABLE', 'The faucet has not enough unlocked money yet: mine more blocks and try again');

function faucetRefusal(error: unknown): never {
  throw NOT_ENOUGH_MONEY.has((error as { getCode?: () => number }).getCode?.() ?? 0) ? notEnoughMoney() : error;
}

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
      onRequest: authenticate,
      schema: { body, response: { 200: z.object({ txHash: z.string(), address: z.string(), amount: z.string() }) } },
    },
    async (request) => {
      await faucet.sync();
      // Refused before the caller's deposit address is made: a refused request stores nothing.
      if ((await faucet.getUnlockedBalance(0)) < request.body.amount) throw notEnoughMoney();
      const { address } = await depositAddressFor(deps, identityOf(request).userId);
      const tx = await faucet.createTx({ accountIndex: 0, address, amount: request.body.amount, relay: true }).catch(faucetRefusal);
      return { txHash: tx.getHash(), address, amount: formatXmr(request.body.amount) };
    },
  );
}
