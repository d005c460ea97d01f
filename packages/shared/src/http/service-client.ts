import { AppError, type ErrorCode, errorStatus } from '../errors.ts';
import { REQUEST_ID_HEADER } from './request-id.ts';
import { SERVICE_TOKEN_HEADER } from './require-service.ts';

export interface ServiceClientOptions {
  baseUrl: string;
  callee: string;
  serviceToken: (callee: string) => string;
  timeoutMs?: number;
}

/**
 * Calls another service with a service token. A 4xx answer comes back as the same AppError (the
 * callee's code and message), so a caller's client sees one error shape; anything else is 502/503.
 */
export function serviceClient(options: ServiceClientOptions) {
  return async function call<T>(method: string, path: string, body?: unknown, requestId?: string): Promise<T> {
    const headers: Record<string, string> = { [SERVICE_TOKEN_HEADER]: options.serviceToken(options.callee) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (requestId) headers[REQUEST_ID_HEADER] = requestId;
    let response: Response;
    try {
      response = await fetch(new URL(path, options.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch {
      throw new AppError('SERVICE_UNAVAILABLE', `The ${options.callee} service is unavailable; try again shortly`);
    }
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (response.ok) return parsed as T;
    const error = parsed as { code?: string; message?: string; details?: unknown } | undefined;
    if (response.status < 500 && error?.code && error.code in errorStatus) {
      throw new AppError(error.code as ErrorCode, error.message ?? 'Refused', error.details);
    }
    throw new AppError('BAD_GATEWAY', `The ${options.callee} service failed (${response.status})`);
  };
}

export type ServiceCall = ReturnType<typeof serviceClient>;
