import { CLIENT_ADDRESS_HEADER } from '@pupero/shared/service-token';
import type { Session, SessionData } from 'express-session';
import type { SessionAuth } from '../session/data.ts';
import { GatewayUnavailableError, refusalOf, SessionExpiredError } from './errors.ts';
import { createRefresher } from './refresh.ts';

/** Who is asking: the browser's request, its session (which holds the tokens) and its address. */
export interface Caller {
  id: string;
  ip: string | undefined;
  session: Session & Partial<SessionData>;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** A public route (the offer book, login itself): no access token is sent or needed. */
  anonymous?: boolean;
}

export interface GatewayClientOptions {
  baseUrl: string;
  /** The frontend's service token for the gateway, which vouches for the browser's address. */
  serviceToken: () => string;
  timeoutMs: number;
}

interface Answer {
  status: number;
  body: any;
  retryAfter: string | null;
}

/**
 * The one way the frontend talks to Pupero: HTTP to the gateway, with the session's access token
 * (refreshed when it is about to expire, or when the gateway says it has), the request id and the
 * browser's address. 4xx answers become GatewayError; 5xx and silence GatewayUnavailableError.
 */
export function createGatewayClient(options: GatewayClientOptions) {
  async function send(caller: Caller, method: string, path: string, call: CallOptions, token?: string): Promise<Answer> {
    const headers: Record<string, string> = {
      'x-request-id': caller.id,
      'x-service-token': options.serviceToken(),
      ...(caller.ip ? { [CLIENT_ADDRESS_HEADER]: caller.ip.replace(/^::ffff:/i, '') } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...call.headers,
    };
    let response: Response;
    try {
      response = await fetch(new URL(path, options.baseUrl), {
        method,
        headers,
        body: call.body === undefined ? null : JSON.stringify(call.body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (err) {
      throw new GatewayUnavailableError(err);
    }
    const text = await response.text();
    if (response.status >= 500) throw new GatewayUnavailableError(new Error(`gateway answered ${response.status}: ${text.slice(0, 200)}`));
    try {
      return { status: response.status, body: text ? JSON.parse(text) : undefined, retryAfter: response.headers.get('retry-after') };
    } catch {
      // Not the gateway's JSON (a proxy's error page, say): as good as no answer.
      throw new GatewayUnavailableError(new Error(`gateway answered ${response.status} with a body that is not JSON`));
    }
  }

  const refresher = createRefresher((caller, refreshToken) =>
    send(caller, 'POST', '/auth/token/refresh', { body: { refreshToken }, anonymous: true }),
  );

  async function call<T = any>(caller: Caller, method: string, path: string, call: CallOptions = {}): Promise<T> {
    let answer: Answer;
    if (call.anonymous) {
      answer = await send(caller, method, path, call);
    } else {
      const auth = requireAuth(caller);
      answer = await send(caller, method, path, call, await refresher.fresh(caller, auth));
      if (answer.status === 401 && answer.body?.code === 'TOKEN_EXPIRED') {
        answer = await send(caller, method, path, call, await refresher.fresh(caller, auth, true));
      }
    }
    if (answer.status >= 400) throw refusalOf(answer);
    return answer.body as T;
  }

  /** The gateway is up when it answers its /healthz at all: a degraded core still lets pages explain themselves. */
  async function reachable(timeoutMs = 2000): Promise<void> {
    await fetch(new URL('/healthz', options.baseUrl), { signal: AbortSignal.timeout(timeoutMs) });
  }

  return { call, reachable };
}

function requireAuth(caller: Caller): SessionAuth {
  if (!caller.session.auth) throw new SessionExpiredError();
  return caller.session.auth;
}

export type GatewayClient = ReturnType<typeof createGatewayClient>;
