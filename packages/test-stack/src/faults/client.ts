import { pause } from './processes.ts';

export interface Answer<T = any> {
  status: number;
  body: T;
  /** 1, or more when it was sent again after no answer. */
  attempts: number;
}

/** What the clients did, for the report. */
export interface ClientStats {
  /** Every HTTP request sent, retries included. */
  sent: number;
  /** Operations that ended with a 2xx. */
  successes: number;
  /** Operations that ended with a 4xx (a refusal: nothing happened). */
  refusals: number;
  /** Requests sent again after no answer, a connection error or a 5xx. */
  retries: number;
  /** Each retried operation: what, how often, and how it ended. */
  retried: { op: string; attempts: number; status: number; keyed: boolean }[];
  /** Operations that never got an answer within the client's patience. */
  gaveUp: string[];
}

export const newStats = (): ClientStats => ({ sent: 0, successes: 0, refusals: 0, retries: 0, retried: [], gaveUp: [] });

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** The Idempotency-Key header: the same on every retry. */
  key?: string;
}

/**
 * A client of the public API as a real one behaves: no answer, a connection error or a 5xx is not
 * an answer, so it sends the same request again (with the same Idempotency-Key where the route takes
 * one) until it gets one, for up to `patienceMs`.
 */
export function apiClient(baseUrl: string, stats: ClientStats, patienceMs = 180_000) {
  return async function call<T = any>(op: string, method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.key) headers['idempotency-key'] = options.key;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const deadline = Date.now() + patienceMs;
    for (let attempt = 1; ; attempt += 1) {
      stats.sent += 1;
      const answer = await send(baseUrl, method, path, headers, options.body);
      if (answer && answer.status < 500) {
        if (answer.status < 300) stats.successes += 1;
        else stats.refusals += 1;
        if (attempt > 1) stats.retried.push({ op, attempts: attempt, status: answer.status, keyed: Boolean(options.key) });
        return { status: answer.status, body: answer.body as T, attempts: attempt };
      }
      if (Date.now() > deadline) {
        stats.gaveUp.push(`${op} ${method} ${path}: ${answer ? answer.status : 'no answer'}`);
        throw new Error(`${op}: no answer within ${patienceMs / 1000} s`);
      }
      stats.retries += 1;
      await pause(Math.min(200 * attempt, 2000));
    }
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

async function send(baseUrl: string, method: string, path: string, headers: Record<string, string>, body: unknown) {
  try {
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: response.status, body: parsed };
  } catch {
    return undefined;
  }
}
