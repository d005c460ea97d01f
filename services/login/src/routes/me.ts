import { deleteMeBody, updateMeBody, userView } from '@pupero/shared/contracts';
import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import type { LoginDeps } from '../deps.ts';
import { deleteAccount, findUser, publicUser, updateProfile } from '../domain/users.ts';

export function meRoutes(app: Server, deps: LoginDeps) {
  const authenticate = requireUser(deps.tokens);

  app.get('/me', { preHandler: authenticate, schema: { response: { 200: userView } } }, async (request) => {
    return publicUser(await findUser(deps, identityOf(request).userId));
  });

  app.put('/me', { preHandler: authenticate, schema: { body: updateMeBody, response: { 200: userView } } }, async (request) => {
    return updateProfile(deps, identityOf(request).userId, request.body, request.ip);
  });

  app.delete('/me', { preHandler: authenticate, schema: { body: deleteMeBody } }, async (request, reply) => {
    await deleteAccount(deps, identityOf(request).userId, request.body, request.ip);
    return reply.status(204).send();
  });
}
