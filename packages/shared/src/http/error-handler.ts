import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, codeForStatus, type ErrorBody } from '../errors.ts';

/** The one place that writes error responses: `{ statusCode, code, message, details? }`, 500s masked. */
export function errorHandler(error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) {
  const body = toErrorBody(error);
  if (body.statusCode >= 500) {
    request.log.error({ err: error }, 'request failed');
  } else {
    request.log.info({ code: body.code, statusCode: body.statusCode }, body.message);
  }
  if (error instanceof AppError && error.code === 'TOO_MANY_REQUESTS' && isRetryAfter(error.details)) {
    reply.header('retry-after', String(error.details.retryAfterSeconds));
  }
  return reply.status(body.statusCode).send(body);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  const body: ErrorBody = { statusCode: 404, code: 'NOT_FOUND', message: `Route ${request.method} ${request.url.split('?')[0]} not found` };
  return reply.status(404).send(body);
}

export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof AppError) {
    return withDetails({ statusCode: error.statusCode, code: error.code, message: error.message }, error.details);
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const details = error.validation.map((v) => ({
      path: `${error.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`.replace(/\.$/, ''),
      message: v.message ?? 'is invalid',
    }));
    return { statusCode: 400, code: 'VALIDATION_FAILED', message: 'The request is invalid', details };
  }
  if (isResponseSerializationError(error)) {
    return internal();
  }
  if (isFastifyError(error)) {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return { statusCode: status, code: codeForStatus(status), message: publicMessage(error) };
    if (status === 502 || status === 503 || status === 504) {
      return { statusCode: status, code: codeForStatus(status), message: 'A service behind the gateway did not answer; try again shortly' };
    }
  }
  return internal();
}

function internal(): ErrorBody {
  return { statusCode: 500, code: 'INTERNAL', message: 'Internal server error' };
}

function withDetails(body: ErrorBody, details: unknown): ErrorBody {
  return details === undefined ? body : { ...body, details };
}

/**
 * Only Fastify's and its plugins' own errors (codes FST_*: bad JSON, media type, body size, proxy
 * failures) pass their status through; any other error with a statusCode is ours to mask.
 */
function isFastifyError(error: unknown): error is FastifyError {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('FST_');
}

/** Fastify's own 4xx messages (bad JSON, media type, body size) are safe to show. */
function publicMessage(error: FastifyError): string {
  return error.message || 'Bad request';
}

function isRetryAfter(details: unknown): details is { retryAfterSeconds: number } {
  return typeof (details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds === 'number';
}
