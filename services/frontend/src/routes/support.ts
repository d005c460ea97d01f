import type { NextFunction, Request, Response } from 'express';
import type { Caller, CallOptions } from '../api-client/client.ts';
import { GatewayError } from '../api-client/errors.ts';
import type { FrontendDeps } from '../deps.ts';
import { normalizeDecimal } from '../i18n/format.ts';
import { readerOf } from '../i18n/reader.ts';
import { describeRefusal } from '../i18n/refusals.ts';
import type { Flash, SessionAuth } from '../session/data.ts';
import { sessionCookie } from '../session/middleware.ts';

/** The gateway, on behalf of this browser request. */
export function gatewayFor(deps: Pick<FrontendDeps, 'gateway'>, req: Request) {
  const caller: Caller = { id: String(req.id), ip: req.ip, session: req.session };
  const call = <T = any>(method: string, path: string, options?: CallOptions) => deps.gateway.call<T>(caller, method, path, options);
  return {
    get: <T = any>(path: string, options?: CallOptions) => call<T>('GET', path, options),
    post: <T = any>(path: string, body?: unknown, options?: CallOptions) => call<T>('POST', path, { ...options, body }),
    put: <T = any>(path: string, body: unknown) => call<T>('PUT', path, { body }),
    patch: <T = any>(path: string, body: unknown) => call<T>('PATCH', path, { body }),
    delete: <T = any>(path: string, body?: unknown) => call<T>('DELETE', path, { body }),
  };
}

/** Pages for signed-in users: everyone else goes to the login first, and comes back after. */
export function requireLogin(req: Request, res: Response, next: NextFunction) {
  if (req.session.auth) return next();
  res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
}

/** The session's auth, after requireLogin. */
export const authOf = (req: Request): SessionAuth => req.session.auth!;

/**
 * The message to show on the form when the gateway refused the request (4xx); anything else
 * (the gateway down, a bug, a stale session) goes on to the error middleware.
 */
export function refusal(req: Request, err: unknown): string {
  if (
    err instanceof GatewayError &&
    !(err.statusCode === 401 && ['UNAUTHENTICATED', 'TOKEN_INVALID', 'TOKEN_EXPIRED'].includes(err.code))
  ) {
    const reader = readerOf(req);
    return describeRefusal(err, reader.t, reader.amount);
  }
  throw err;
}

/** A sentence of the reader's language (the catalogs in locales/). */
export const say = (req: Request, key: string, values?: Record<string, unknown>): string => req.t(key, values) as string;

/** A decimal field as the API reads it ("0,5" → "0.5", "1 000" → "1000"); as typed when it is no number, for the API to refuse. */
export const decimalField = (body: Record<string, unknown> | undefined, name: string): string => {
  const typed = field(body, name);
  return normalizeDecimal(typed) ?? typed;
};

/** Whether the gateway refused with this code. */
export const refusedWith = (err: unknown, code: string) => err instanceof GatewayError && err.code === code;

export function flash(req: Request, kind: Flash['kind'], message: string) {
  req.session.flash = { kind, message };
}

/** A form field as a trimmed string ('' when absent or repeated). */
export const field = (body: Record<string, unknown> | undefined, name: string): string => {
  const value = body?.[name];
  return typeof value === 'string' ? value.trim() : '';
};

/** A form field that may repeat (checkboxes) as a list of strings. */
export const fields = (body: Record<string, unknown> | undefined, name: string): string[] => {
  const value = body?.[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
};

/** Only our own paths: a `next` parameter must not send the user to another site. */
export const safeNext = (next: unknown): string => (typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/');

/** A numeric id from the path, or a 404. */
export function idParam(req: Request): number {
  const id = Number(req.params.id);
  if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) throw new GatewayError(404, 'NOT_FOUND', 'There is no such page.');
  return id;
}

/** express-session's callbacks as promises. */
export const regenerate = (req: Request) =>
  new Promise<void>((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())));
export const saveSession = (req: Request) => new Promise<void>((resolve, reject) => req.session.save((e) => (e ? reject(e) : resolve())));
/** Ends the browser's session: its row in the store, and the cookie in the browser. */
export async function destroySession(deps: Pick<FrontendDeps, 'config'>, req: Request, res: Response) {
  await new Promise<void>((resolve, reject) => req.session.destroy((e) => (e ? reject(e) : resolve())));
  const { name, options } = sessionCookie(deps.config);
  res.clearCookie(name, options);
}

/** The app's code, or a recovery code in its place (to log in, or to turn 2FA off, after losing the phone). */
export const secondFactor = (req: Request) => {
  const recoveryCode = field(req.body, 'recoveryCode');
  return recoveryCode ? { recoveryCode } : { totp: field(req.body, 'totp') };
};

/** A refused form, kept in the session for the one page it goes back to: the sentence, the fields it concerns, what was typed (never a password). */
export interface RefusedForm {
  /** The page it goes back to (its path). */
  at: string;
  /** Which form of the page (the account page has several). */
  form: string;
  error: string;
  fields: string[];
  values: Record<string, unknown>;
}

declare module 'express-session' {
  interface SessionData {
    refused?: RefusedForm;
  }
}

/**
 * Post/redirect/get after a refusal: back to the form's page with 303 (a reload there does not send
 * the form again), which shows the sentence and the typed values once.
 */
export function refuseTo(req: Request, res: Response, to: string, refused: Partial<Omit<RefusedForm, 'at'>> & { error: string }) {
  req.session.refused = { form: '', fields: [], values: {}, ...refused, at: new URL(to, 'http://x').pathname };
  res.redirect(303, to);
}

/**
 * The refusal a form's page shows once: its sentence, values, and `invalid(name)` for the fields it
 * concerns. Taken by the next form page whichever it is: another page's refusal is dropped, not shown later.
 */
export function takeRefused(req: Request) {
  const refused = req.session.refused;
  delete req.session.refused;
  const shown = refused?.at === req.path ? refused : undefined;
  return formState(shown, shown?.form ? `${shown.form}-error` : undefined);
}

/**
 * What a form's template needs to show a refusal: `invalid(name, help?)` ties a field to the error
 * (aria-invalid, aria-describedby), `describes(name)` a fieldset of radios or checkboxes (which takes
 * no aria-invalid).
 */
export function formState(refused: RefusedForm | undefined, errorId = 'form-error') {
  const fields = refused?.fields ?? [];
  const describedBy = (name: string, help?: string) => {
    const ids = [fields.includes(name) ? errorId : '', help ?? ''].filter(Boolean).join(' ');
    return ids ? `aria-describedby="${ids}"` : '';
  };
  return {
    refused: refused ?? null,
    error: refused?.error ?? null,
    invalid: (name: string, help?: string) => `${fields.includes(name) ? 'aria-invalid="true" ' : ''}${describedBy(name, help)}`,
    describes: (name: string) => describedBy(name),
  };
}

/** The form fields a gateway refusal names: its validation details' paths, or the field its message starts with ("amount must be …"). */
export function refusedFields(err: unknown): string[] {
  if (!(err instanceof GatewayError)) return [];
  const paths = Array.isArray(err.details)
    ? err.details.flatMap((d: { path?: unknown }) => {
        // "body.amount" or "amount" names a field; "body" alone (the whole form) names none.
        const name = typeof d?.path === 'string' ? d.path.replace(/^body\.?/, '').split('.')[0] : '';
        return name ? [name] : [];
      })
    : [];
  const named = /^([a-z][A-Za-z]*) (?:must|is|should|cannot|needs)\b/.exec(err.message)?.[1];
  return [...new Set([...paths, ...(named ? [named] : [])])];
}
