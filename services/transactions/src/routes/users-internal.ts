import { internalUserParams, openMoneyView } from '@pupero/shared/contracts';
import { requireService, type Server } from '@pupero/shared/http';
import type { TransactionsDeps } from '../deps.ts';
import { openMoneyOf } from '../domain/open-money.ts';

/** For login only (service token; never routed by the gateway): may this user's account be deleted, as far as money goes? */
export function userInternalRoutes(app: Server, deps: TransactionsDeps) {
  app.get(
    '/internal/users/:userId/open-money',
    {
      onRequest: requireService(deps.config.SERVICE_PUBLIC_KEYS, 'transactions', ['login']),
      schema: { params: internalUserParams, response: { 200: openMoneyView } },
    },
    async (request) => openMoneyOf(deps, request.params.userId),
  );
}
