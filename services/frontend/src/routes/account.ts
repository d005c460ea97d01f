import { type Request, type Response, Router } from 'express';
import { GatewayError } from '../api-client/errors.ts';
import type { FrontendDeps } from '../deps.ts';
import {
  authOf,
  destroySession,
  field,
  flash,
  gatewayFor,
  refusal,
  refusedFields,
  refuseTo,
  requireLogin,
  say,
  secondFactor,
  takeRefused,
} from './support.ts';

const passwordOf = (req: Request, name: string) => (typeof req.body?.[name] === 'string' ? (req.body[name] as string) : '');

/** The fields a refusal of an account form concerns: those it names, else the password or the code its sentence is about. */
function fieldsOf(err: unknown, passwordField: string): string[] {
  const named = refusedFields(err);
  if (named.length > 0 || !(err instanceof GatewayError)) return named;
  if (/password/i.test(err.message)) return [passwordField];
  return /code/i.test(err.message) ? ['totp', 'recoveryCode'] : [];
}

/** The account page: profile, password, two-factor authentication, deletion. */
export function accountRoutes(deps: FrontendDeps) {
  const router = Router();
  router.use('/account', requireLogin);

  router.get('/account', (req, res) => renderAccount(req, res));

  router.post('/account/profile', async (req, res) => {
    const { user } = authOf(req);
    const email = field(req.body, 'email');
    const username = field(req.body, 'username');
    const newPassword = passwordOf(req, 'newPassword');
    const changes = {
      ...(email && email !== user.email ? { email } : {}),
      ...(username && username !== user.username ? { username } : {}),
      ...(newPassword ? { newPassword } : {}),
    };
    try {
      const updated = await gatewayFor(deps, req).put('/auth/me', { currentPassword: passwordOf(req, 'currentPassword'), ...changes });
      if (newPassword) {
        // A new password ends every login of the account, this one too: start again with it.
        await destroySession(deps, req, res);
        return res.redirect('/login?next=/account');
      }
      Object.assign(user, { email: updated.email, username: updated.username });
      flash(req, 'ok', say(req, 'flash.profileSaved'));
      res.redirect('/account');
    } catch (err) {
      const error = refusal(req, err);
      refuseTo(req, res, '/account#profile', {
        form: 'profile',
        error,
        fields: fieldsOf(err, 'currentPassword'),
        values: { email, username },
      });
    }
  });

  // Every two-factor step asks for the current password: a stolen session alone cannot change it.
  router.post('/account/2fa/enable', async (req, res) => {
    try {
      const enrollment = await gatewayFor(deps, req).post('/auth/2fa/enable', { password: passwordOf(req, 'password') });
      req.session.pendingTotp = { secret: enrollment.secret, qrDataUrl: enrollment.qrDataUrl };
      res.redirect('/account#two-factor');
    } catch (err) {
      refuseTo(req, res, '/account#two-factor', { form: 'two-factor', error: refusal(req, err), fields: fieldsOf(err, 'password') });
    }
  });
  router.post('/account/2fa/confirm', (req, res) => twoFactor(req, res, 'confirm', true, 'flash.twoFactorOn'));
  router.post('/account/2fa/disable', (req, res) => twoFactor(req, res, 'disable', false, 'flash.twoFactorOff'));

  router.post('/account/delete', async (req, res) => {
    const totp = field(req.body, 'totp');
    try {
      await gatewayFor(deps, req).delete('/auth/me', { password: passwordOf(req, 'password'), ...(totp ? { totp } : {}) });
      await destroySession(deps, req, res);
      res.redirect('/');
    } catch (err) {
      refuseTo(req, res, '/account#delete', { form: 'delete', error: refusal(req, err), fields: fieldsOf(err, 'password') });
    }
  });

  async function twoFactor(req: Request, res: Response, step: 'confirm' | 'disable', enabled: boolean, done: string) {
    try {
      const answer = await gatewayFor(deps, req).post(`/auth/2fa/${step}`, { password: passwordOf(req, 'password'), ...secondFactor(req) });
      if (answer.recoveryCodes) req.session.recoveryCodes = answer.recoveryCodes;
      authOf(req).user.twoFactorEnabled = enabled;
      delete req.session.pendingTotp;
      flash(req, 'ok', say(req, done));
      res.redirect('/account');
    } catch (err) {
      refuseTo(req, res, '/account#two-factor', { form: 'two-factor', error: refusal(req, err), fields: fieldsOf(err, 'password') });
    }
  }

  /** The account page, with the refused form it came back to (post/redirect/get), if any. */
  async function renderAccount(req: Request, res: Response) {
    const { refused, ...state } = takeRefused(req);
    const me = await gatewayFor(deps, req).get('/auth/me');
    Object.assign(authOf(req).user, { email: me.email, username: me.username, role: me.role, twoFactorEnabled: me.twoFactorEnabled });
    const pending = me.twoFactorEnabled ? null : (req.session.pendingTotp ?? null);
    // Shown this once: the gateway never answers them again.
    const recoveryCodes = req.session.recoveryCodes ?? null;
    delete req.session.recoveryCodes;
    const form = { form: refused?.form ?? null, error: refused?.error ?? null, values: refused?.values ?? {} };
    res.render('account', { me, pending, recoveryCodes, form, ...state });
  }

  return router;
}
