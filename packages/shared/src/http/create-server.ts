import Fastify, { type FastifyReply, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { LoggerOptions } from 'pino';
import { errorHandler, notFoundHandler, toErrorBody } from './error-handler.ts';
import { answerUnknownExpectation, answerUnparsable } from './protocol-errors.ts';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.ts';

export interface ServerOptions {
  logger: LoggerOptions | false;
  trustProxy?: FastifyServerOptions['trustProxy'];
  bodyLimit?: number;
}

/** A Fastify instance with our conventions: zod schemas, the common error shape, request ids. */
export function createServer(options: ServerOptions) {
  const app = Fastify({
    logger: options.logger,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    requestIdHeader: false,
    genReqId: requestIdFor,
    // Errors Fastify meets before routing (a malformed URL, a bad content type) get the common shape too.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const body = toErrorBody(error);
      reply.status(body.statusCode).send(body);
    },
    clientErrorHandler: answerUnparsable,
  }).withTypeProvider<ZodTypeProvider>();
  app.server.on('checkExpectation', answerUnknownExpectation);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  return app;
}

export type Server = ReturnType<typeof createServer>;
