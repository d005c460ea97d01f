import { type Request, type Response, Router } from 'express';
import { GatewayError } from '../api-client/errors.ts';
import type { FrontendDeps } from '../deps.ts';
import { deviceTokenOf, rememberDevice } from '../http/device-cookie.ts';
import { rememberMeMs } from '../session/middleware.ts';
import {
  destroySession,
  field,
  flash,
  formState,
  gatewayFor,
  refusal,
  refusedFields,
  refusedWith,
  refuseTo,
  regenerate,
  safeNext,
  saveSession,
  say,
  secondFactor,
  takeRefused,
} from './support.ts';

/** The second step waits this long for the TOTP code before the password must be typed again. */
const TOTP_STEP_MS = 5 * 60 * 1000;

interface LoginAnswer {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  deviceToken: string;
  user: { id: number; username: string; email: string; role: 'user' | 'moderator' | 'admin'; twoFactorEnabled: boolean };
}

/** Register, log in (with a second step for the TOTP code), log out. */
export function authRoutes(deps: FrontendDeps) {
  const router = Router();

  // Every refusal goes back to the form's page (post/redirect/get): a reload there sends nothing again.
  router.get('/register', (req, res) => {
    const form = takeRefused(req);
    res.render('register', { values: form.refused?.values ?? {}, ...form });
  });
  router.post('/register', async (req, res) => {
    const values = { email: field(req.body, 'email'), username: field(req.body, 'username') };
    const password = typeof req.body?.password === 'string' ? req.body.password : '';
    try {
      await gatewayFor(deps, req).post('/auth/register', { ...values, password }, { anonymous: true });
    } catch (err) {
      const fields = refusedFields(err);
      const error = refusal(req, err);
      return refuseTo(req, res, '/register', {
        error,
        values,
        fields: fields.length > 0 ? fields : refusedWith(err, 'CONFLICT') ? ['email', 'username'] : [],
      });
    }
    try {
      const answer = await logIn(req, res, { identifier: values.username, password, rememberMe: false });
      flash(req, 'ok', say(req, 'flash.welcome', { username: answer.user.username }));
      res.redirect('/');
    } catch (err) {
      // The account exists; only the login was refused (this address is throttled, say): say so on the login page.
      const error = `${say(req, 'flash.accountCreated')} ${refusal(req, err)}`;
      refuseTo(req, res, '/login', { error, values: { identifier: values.username } });
    }
  });

  router.get('/login', (req, res) => {
    const form = takeRefused(req);
    res.render('login', { values: form.refused?.values ?? {}, next: safeNext(req.query.next), ...form, step: 'password' });
  });
  router.get('/login/totp', (req, res) => {
    const pending = req.session.pendingLogin;
    const next = safeNext(req.query.next);
    if (!pending || pending.until <= Date.now()) return res.redirect(`/login?next=${encodeURIComponent(next)}`);
    res.render('login', { values: { identifier: pending.identifier }, next, ...takeRefused(req), step: 'totp' });
  });
  router.post('/login', async (req, res) => {
    const identifier = field(req.body, 'identifier');
    const password = typeof req.body?.password === 'string' ? req.body.password : '';
    const rememberMe = req.body?.rememberMe === 'on';
    const next = safeNext(req.body?.next);
    try {
      await logIn(req, res, { identifier, password, rememberMe });
      res.redirect(next);
    } catch (err) {
      if (refusedWith(err, 'TOTP_REQUIRED')) {
        req.session.pendingLogin = { identifier, sealedPassword: deps.sealer.seal(password), rememberMe, until: Date.now() + TOTP_STEP_MS };
        return res.redirect(303, `/login/totp?next=${encodeURIComponent(next)}`);
      }
      const values = { identifier, rememberMe };
      // A throttled login answers 429 with Retry-After on the form's own answer, as HTTP says; any other refusal goes back to the form.
      if (statusFor(res, err, 401) === 429)
        return res.status(429).render('login', { values, next, ...formState(undefined), error: refusal(req, err), step: 'password' });
      const fields = ['identifier', 'password'];
      refuseTo(req, res, `/login?next=${encodeURIComponent(next)}`, { error: refusal(req, err), values, fields });
    }
  });

  router.post('/login/totp', async (req, res) => {
    const pending = req.session.pendingLogin;
    const next = safeNext(req.body?.next);
    const password = pending && pending.until > Date.now() ? deps.sealer.unseal(pending.sealedPassword) : undefined;
    if (!pending || password === undefined) {
      delete req.session.pendingLogin;
      return refuseTo(req, res, `/login?next=${encodeURIComponent(next)}`, { error: say(req, 'errors.loginStepExpired') });
    }
    try {
      await logIn(req, res, { identifier: pending.identifier, password, rememberMe: pending.rememberMe, ...secondFactor(req) });
      res.redirect(next);
    } catch (err) {
      const fields = [field(req.body, 'recoveryCode') ? 'recoveryCode' : 'totp'];
      refuseTo(req, res, `/login/totp?next=${encodeURIComponent(next)}`, { error: refusal(req, err), fields });
    }
  });

  router.post('/logout', async (req, res) => {
    const refreshToken = req.session.auth?.refreshToken;
    if (refreshToken) {
      // Ends the login at the gateway too; the browser's session goes whatever the gateway says.
      await gatewayFor(deps, req)
        .post('/auth/logout', { refreshToken }, { anonymous: true })
        .catch((err) => req.log.warn({ err }, 'logout at the gateway failed'));
    }
    await destroySession(deps, req, res);
    res.redirect('/');
  });

  /** Sends the device cookie along (a browser that logged in before is not held up by strangers' failures) and renews it. */
  async function logIn(
    req: Request,
    res: Response,
    credentials: { identifier: string; password: string; rememberMe: boolean; totp?: string; recoveryCode?: string },
  ) {
    const deviceToken = deviceTokenOf(req);
    const body = {
      identifier: credentials.identifier,
      password: credentials.password,
      ...(credentials.totp ? { totp: credentials.totp } : {}),
      ...(credentials.recoveryCode ? { recoveryCode: credentials.recoveryCode } : {}),
      ...(deviceToken ? { deviceToken } : {}),
    };
    const answer = await gatewayFor(deps, req).post<LoginAnswer>(
      '/auth/login',
      credentials.rememberMe ? { ...body, rememberMe: true } : body,
      { anonymous: true },
    );
    await startSession(req, answer, credentials.rememberMe);
    rememberDevice(deps.config, res, answer.deviceToken);
    return answer;
  }

  /** A new session id at every login (no fixation), holding the tokens; the cookie persists only with "remember me". */
  async function startSession(req: Request, answer: LoginAnswer, rememberMe: boolean) {
    await regenerate(req);
    const { id, username, email, role, twoFactorEnabled } = answer.user;
    req.session.auth = {
      accessToken: answer.accessToken,
      refreshToken: answer.refreshToken,
      accessExpiresAt: Date.now() + answer.expiresIn * 1000,
      user: { id, username, email, role, twoFactorEnabled },
    };
    if (rememberMe) req.session.cookie.maxAge = rememberMeMs(deps.config);
    await saveSession(req);
  }

  return router;
}

/** A throttled login answers 429 with the same Retry-After; any other refusal keeps the form's status. */
function statusFor(res: Response, err: unknown, otherwise: number): number {
  if (!(err instanceof GatewayError) || err.statusCode !== 429) return otherwise;
  if (err.retryAfterSeconds !== undefined) res.set('Retry-After', String(err.retryAfterSeconds));
  return 429;
}
