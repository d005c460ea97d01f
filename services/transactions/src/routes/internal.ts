import { depositBody, holdBody, holdParams, holdView as holdSchema, transferView as transferSchema } from '@pupero/shared/contracts';
import { requireService, type Server } from '@pupero/shared/http';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TransactionsDeps } from '../deps.ts';
import { userAccount } from '../ledger/accounts.ts';
import { holdView, placeHold, postHold, voidHold } from '../ledger/holds.ts';
import { transfer, transferView } from '../ledger/transfer.ts';

/**
 * Service-to-service money movements, each for exactly one caller: offers places, posts and voids
 * holds (a hold moves only to the counterparty named when it was placed); the wallet manager
 * credits deposits. No service call can debit HOT_WALLET or FEES, or move between two accounts of
 * its choosing. The gateway routes none of these paths.
 */
/**
 * Keys a service chooses live in that service's own namespace, so no caller can ever take a key
 * the ledger uses itself (`deposit:…`, `hold:…:post`, `wreq:…`, `wset:…`) or another service's.
 */
/** Posting and voiding take no body: a hold goes to the counterparty it named, or back, and nowhere else. */
const noBody = z.strictObject({}).nullish();

const callerKey = (request: FastifyRequest, key: string) => `svc:${request.callerService}:${key}`;

export function internalRoutes(app: Server, deps: TransactionsDeps) {
  const services = (...callers: string[]) => requireService(deps.config.SERVICE_PUBLIC_KEYS, 'transactions', callers);
  const reply201 = (replayed: boolean) => (replayed ? 200 : 201);

  app.post(
    '/holds',
    { onRequest: services('offers'), schema: { body: holdBody, response: { 200: holdSchema, 201: holdSchema } } },
    async (request, reply) => {
      const hold = await placeHold(deps.pool, { ...request.body, key: callerKey(request, request.body.key) });
      return reply.status(reply201(hold.replayed)).send(holdView(hold));
    },
  );

  app.post(
    '/holds/:id/post',
    { onRequest: services('offers'), schema: { params: holdParams, body: noBody, response: { 200: holdSchema } } },
    async (request) => {
      return holdView(await postHold(deps.pool, BigInt(request.params.id)));
    },
  );

  app.post(
    '/holds/:id/void',
    { onRequest: services('offers'), schema: { params: holdParams, response: { 200: holdSchema } } },
    async (request) => {
      return holdView(await voidHold(deps.pool, BigInt(request.params.id)));
    },
  );

  // A deposit seen on chain: credited from the hot wallet once per (txid, subaddress).
  app.post(
    '/deposits/credit',
    { onRequest: services('wallet-manager'), schema: { body: depositBody, response: { 200: transferSchema, 201: transferSchema } } },
    async (request, reply) => {
      const { userId, txHash, subaddressIndex, amount } = request.body;
      const record = await transfer(deps.pool, {
        key: `deposit:${txHash}:${subaddressIndex}`,
        from: 'HOT_WALLET',
        to: userAccount(userId),
        amount,
        kind: 'DEPOSIT',
        reference: txHash,
      });
      return reply.status(reply201(record.replayed)).send(transferView(record));
    },
  );
}
