import { type NextFunction, type Request, type Response, Router } from 'express';
import { GatewayError, GatewayUnavailableError } from '../api-client/errors.ts';
import type { FrontendDeps } from '../deps.ts';
import { authOf, field, flash, gatewayFor, idParam, refusal, requireLogin, say } from './support.ts';

/** Admins only; the gateway and the services check the role again. */
function requireAdmin(req: Request, _res: Response, next: NextFunction) {
  if (authOf(req).user.role !== 'admin') throw new GatewayError(404, 'NOT_FOUND', 'There is no such page.');
  next();
}

const ROLES = ['user', 'moderator', 'admin'];
const oneOf = (list: string[], value: unknown) => (typeof value === 'string' && list.includes(value) ? value : '');

/** The admin pages: users and their roles, the withdrawals waiting to be sent, the ledger and the wallet. */
export function adminRoutes(deps: FrontendDeps) {
  const router = Router();
  router.use('/admin', requireLogin, requireAdmin);

  router.get('/admin', (_req, res) => res.redirect('/admin/users'));

  router.get('/admin/users', async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 254) : '';
    const role = oneOf(ROLES, req.query.role);
    const query = new URLSearchParams({ limit: '50', ...(q ? { q } : {}), ...(role ? { role } : {}) });
    const page = await gatewayFor(deps, req).get(`/auth/admin/users?${query}`);
    res.render('admin-users', { users: page.items, q, role, roles: ROLES, me: authOf(req).user.id });
  });
  router.post('/admin/users/:id/role', (req, res) =>
    change(
      req,
      res,
      '/admin/users',
      (id) => gatewayFor(deps, req).put(`/auth/admin/users/${id}/role`, { role: field(req.body, 'role') }),
      'flash.roleChanged',
    ),
  );

  router.get('/admin/withdrawals', async (req, res) => {
    const page = await gatewayFor(deps, req).get('/admin/withdrawals?state=PENDING&limit=50');
    res.render('admin-withdrawals', { withdrawals: page.items });
  });
  router.post('/admin/withdrawals/:id/execute', (req, res) =>
    change(
      req,
      res,
      '/admin/withdrawals',
      (id) => gatewayFor(deps, req).post('/admin/withdraw/execute', { withdrawalId: String(id) }),
      'flash.withdrawalExecuted',
    ),
  );

  router.get('/admin/ledger', async (req, res) => {
    const api = gatewayFor(deps, req);
    const [summary, wallet] = await Promise.all([api.get('/admin/ledger/summary'), walletOrNull(() => api.get('/admin/wallet/reconcile'))]);
    res.render('admin-ledger', { summary, wallet });
  });

  /** One admin action, then back to its list with what came of it. */
  async function change(req: Request, res: Response, back: string, run: (id: number) => Promise<{ outcome?: string }>, done: string) {
    const id = idParam(req);
    try {
      const answer = await run(id);
      flash(req, 'ok', say(req, done, { id, outcome: answer.outcome ? say(req, `outcome.${answer.outcome}`) : '' }));
    } catch (err) {
      flash(req, 'error', refusal(req, err));
    }
    res.redirect(back);
  }

  return router;
}

/** The wallet's reconciliation, or null when the wallet manager is absent or down: the ledger's part still shows. */
async function walletOrNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if ((err instanceof GatewayError && err.statusCode === 404) || err instanceof GatewayUnavailableError) return null;
    throw err;
  }
}
