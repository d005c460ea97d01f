import { deleteMeBody, updateMeBody, userView } from '@pupero/shared/contracts';
import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import { z } from 'zod';
import type { LoginDeps } from '../deps.ts';
import { audit } from '../domain/audit.ts';
import { revokeAllSessions } from '../domain/sessions.ts';
import { deleteAccount, findUser, publicUser, updateProfile } from '../domain/users.ts';

export function meRoutes(app: Server, deps: LoginDeps) {
  const authenticate = requireUser(deps.tokens);

  app.get('/me', { onRequest: authenticate, schema: { response: { 200: userView } } }, async (request) => {
    return publicUser(await findUser(deps, identityOf(request).userId));
  });

  app.put('/me', { onRequest: authenticate, schema: { body: updateMeBody, response: { 200: userView } } }, async (request) => {
    return updateProfile(deps, identityOf(request).userId, request.body, request.ip);
  });

  app.delete(
    '/me',
    { onRequest: authenticate, schema: { body: deleteMeBody, response: { 204: z.undefined() } } },
    async (request, reply) => {
      await deleteAccount(deps, identityOf(request).userId, request.body, request.ip);
      return reply.status(204).send();
    },
  );

  // "Log out everywhere": every refresh token ends, and every access token within a second.
  app.post('/me/logout-all', { onRequest: authenticate, schema: { response: { 204: z.undefined() } } }, async (request, reply) => {
    const { userId } = identityOf(request);
    await revokeAllSessions(deps, userId);
    await audit(deps, 'LOGGED_OUT_EVERYWHERE', { userId, ip: request.ip });
    return reply.status(204).send();
  });
}
