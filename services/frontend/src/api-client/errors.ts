/** A 4xx answer of the gateway, in its common shape: shown to the user on the page that caused it. */
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

  /** The message with the fields a validation failure names, or when to try again, for a person to read. */
  get readable(): string {
    if (this.statusCode === 429) {
      return this.retryAfterSeconds === undefined
        ? 'Too many attempts. Try again later.'
        : `Too many attempts. Try again in ${waitInWords(this.retryAfterSeconds)}.`;
    }
    if (!Array.isArray(this.details)) return this.message;
    const fields = this.details
      .filter((d): d is { path: string; message: string } => typeof d?.path === 'string' && typeof d?.message === 'string')
      .map((d) => `${d.path.replace(/^body\.?/, '') || 'request'} ${d.message}`);
    return fields.length > 0 ? `${this.message}: ${fields.join('; ')}` : this.message;
  }
}

/** "45 seconds", "4 minutes", "2 hours": always rounded up, so the user never comes back too early. */
export function waitInWords(seconds: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  const whole = Math.max(1, Math.ceil(seconds));
  if (whole < 60) return plural(whole, 'second');
  if (whole < 3600) return plural(Math.ceil(whole / 60), 'minute');
  return plural(Math.ceil(whole / 3600), 'hour');
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
