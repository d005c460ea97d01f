/** A 4xx answer of the gateway, in its common shape: shown to the user on the page that caused it. */
export class GatewayError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  /** The message with the fields a validation failure names, for a person to read. */
  get readable(): string {
    if (!Array.isArray(this.details)) return this.message;
    const fields = this.details
      .filter((d): d is { path: string; message: string } => typeof d?.path === 'string' && typeof d?.message === 'string')
      .map((d) => `${d.path.replace(/^body\.?/, '') || 'request'} ${d.message}`);
    return fields.length > 0 ? `${this.message}: ${fields.join('; ')}` : this.message;
  }
}

/** A 4xx answer in the common shape `{statusCode, code, message, details?}` as a GatewayError. */
export function refusalOf(answer: { status: number; body: any }): GatewayError {
  const { code = 'ERROR', message = `The gateway answered ${answer.status}`, details } = answer.body ?? {};
  return new GatewayError(answer.status, code, message, details);
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
