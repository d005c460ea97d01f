import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type ErrorCode, errorStatus } from '../errors.ts';
import type { Server } from './create-server.ts';

/** Where each service serves its own OpenAPI document: under /internal/, which the gateway never routes. */
export const SERVICE_OPENAPI_PATH = '/internal/openapi.json';

/** Never published: service-to-service routes, health and metrics. */
const unpublishedPath = /(^|\/)(internal|healthz|metrics)(\/|$)/;

/** The common error shape, as every service writes it (error-handler.ts). */
export const errorBodySchema = z
  .object({
    statusCode: z.number().int().min(400).max(599),
    code: z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.unknown().optional().describe('Present on some errors: the invalid fields, or retryAfterSeconds'),
  })
  .describe('Every error answer: 4xx and 5xx alike, 500s masked');

const zodTransform = createJsonSchemaTransform({ skipList: [] });

/**
 * The service's route schemas as an OpenAPI 3.1 document at `GET /internal/openapi.json`, made by
 * @fastify/swagger from the zod schemas. Call it before declaring routes: @fastify/swagger collects
 * them with an onRoute hook, and registered as a plugin it would load only at ready(), after
 * buildApp (synchronous) had declared them all. Its dynamic mode sets up synchronously, so it is
 * applied here, on the root instance, at once.
 */
export function serviceOpenApi(app: Server, service: string) {
  const options = {
    openapi: { openapi: '3.1.0', info: { title: `Pupero ${service} service`, version: '0.1.0' } },
    transform: (input: Parameters<typeof zodTransform>[0]) =>
      unpublishedPath.test(input.url) ? { schema: { hide: true }, url: input.url } : zodTransform(input),
  };
  fastifySwagger(app as unknown as FastifyInstance, options, (error) => {
    if (error) throw error;
  });
  app.get(SERVICE_OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
}
