import { roleBody, userIdParams, userListQuery, userListView, userView } from '@pupero/shared/contracts';
import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import type { LoginDeps } from '../deps.ts';
import { changeRole, listUsers } from '../domain/roles.ts';

/** Admins: the users and their roles (through the gateway under /auth/admin). */
export function adminRoutes(app: Server, deps: LoginDeps) {
  const adminsOnly = requireUser(deps.tokens, ['admin']);

  app.get(
    '/admin/users',
    { onRequest: adminsOnly, schema: { querystring: userListQuery, response: { 200: userListView } } },
    async (request) => listUsers(deps, request.query),
  );

  app.put(
    '/admin/users/:id/role',
    { onRequest: adminsOnly, schema: { params: userIdParams, body: roleBody, response: { 200: userView } } },
    async (request) => changeRole(deps, request.params.id, request.body.role, identityOf(request), request.ip),
  );
}
