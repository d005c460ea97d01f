import { closedUserView, internalUserParams } from '@pupero/shared/contracts';
import { requireService, type Server } from '@pupero/shared/http';
import type { OffersDeps } from '../deps.ts';
import { closeUserForDeletion } from '../domain/account-closing.ts';

/** For login only (service token; never routed by the gateway): an account is being deleted. */
export function userInternalRoutes(app: Server, deps: OffersDeps) {
  app.post(
    '/internal/users/:userId/close',
    {
      onRequest: requireService(deps.config.SERVICE_PUBLIC_KEYS, 'offers', ['login']),
      schema: { params: internalUserParams, response: { 200: closedUserView } },
    },
    async (request) => closeUserForDeletion(deps, request.params.userId),
  );
}
