import { errorBodySchema } from '@pupero/shared/http';
import { z } from 'zod';

export type Json = Record<string, unknown>;
export type Operation = Json & { parameters?: unknown[]; requestBody?: unknown; responses?: Json };

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  tags?: { name: string }[];
  paths?: Record<string, Partial<Record<string, Operation>>>;
  components?: { schemas?: Json; responses?: Json; securitySchemes?: Json };
}

const errorResponse = (description: string, headers?: Json) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
});

/** The error shape (from the same zod schema the services' handler follows), the error answers, the bearer scheme. */
export function publicComponents(serviceSchemas: Json) {
  const { $schema: _dialect, ...errorBody } = z.toJSONSchema(errorBodySchema, { target: 'draft-2020-12', io: 'output' });
  return {
    schemas: { ...serviceSchemas, ErrorBody: errorBody },
    responses: {
      Error: errorResponse('An error, in the common shape'),
      ValidationFailed: errorResponse('The request does not fit its schema (VALIDATION_FAILED, naming each field) or is malformed'),
      Unauthenticated: errorResponse('No valid access token (UNAUTHENTICATED, TOKEN_INVALID, TOKEN_EXPIRED, TOKEN_REVOKED)'),
      TooManyRequests: errorResponse('Over a rate limit: retry after the given number of seconds', {
        'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer', minimum: 0 } },
      }),
      ServiceUnavailable: errorResponse('The service behind the gateway did not answer; try again shortly'),
    },
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'The access token from POST /auth/login or POST /auth/token/refresh',
      },
    },
  };
}
