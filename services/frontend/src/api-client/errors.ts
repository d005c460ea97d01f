/** A 4xx answer of the gateway, in its common shape: shown to the user (i18n/refusals.ts words it) on the page that caused it. */
export class GatewayError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** From a 429's Retry-After: how long until the gateway (or a throttle behind it) takes the request again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

/** A 4xx answer in the common shape `{statusCode, code, message, details?}` (and a 429's Retry-After) as a GatewayError. */
export function refusalOf(answer: { status: number; body: any; retryAfter?: string | null }): GatewayError {
  const { code = 'ERROR', message = `The gateway answered ${answer.status}`, details } = answer.body ?? {};
  return new GatewayError(answer.status, code, message, details, retryAfterOf(answer.retryAfter, details));
}

/** Retry-After in seconds (the header; else the common shape's details.retryAfterSeconds); an HTTP date is not sent by our services. */
function retryAfterOf(header: string | null | undefined, details: unknown): number | undefined {
  const fromHeader = header && /^\d+$/.test(header.trim()) ? Number(header) : undefined;
  const fromBody = (details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return fromHeader ?? (typeof fromBody === 'number' && fromBody >= 0 ? fromBody : undefined);
}

/** The gateway did not answer, or answered 5xx: a friendly 503 page, never the details. */
export class GatewayUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The gateway is unavailable', { cause });
    this.name = 'GatewayUnavailableError';
  }
}

/** No session, or its refresh token no longer works: the user logs in again. */
export class SessionExpiredError extends Error {
  constructor() {
    super('The session has expired');
    this.name = 'SessionExpiredError';
  }
}
