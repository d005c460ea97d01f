import { Router } from 'express';
import { GatewayError } from '../api-client/errors.ts';
import type { FrontendDeps } from '../deps.ts';
import { gatewayFor } from './support.ts';

/** A trader's public profile and reputation. */
export function userRoutes(deps: FrontendDeps) {
  const router = Router();
  router.get('/users/:username', async (req, res) => {
    const username = String(req.params.username);
    if (!/^[A-Za-z0-9_]{3,32}$/.test(username)) throw new GatewayError(404, 'NOT_FOUND', 'There is no such trader.');
    const profile = await gatewayFor(deps, req).get(`/users/${username}`, { anonymous: true });
    res.render('user', { profile });
  });
  return router;
}
