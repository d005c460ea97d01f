import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { codeForStatus, type ErrorBody } from '../errors.ts';

const bodyFor = (statusCode: number, message: string): ErrorBody => ({ statusCode, code: codeForStatus(statusCode), message });

/**
 * A request Node cannot parse (a request line without a leading slash, headers past 16 KiB, a
 * request that took too long) never reaches Fastify: answered here in the common error shape, as
 * Fastify's own default would in a shape of its own. No body to a HEAD, or the client misreads the
 * connection.
 */
export function answerUnparsable(error: Error & { code?: string; rawPacket?: unknown }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const messages: Record<number, string> = { 431: 'The request headers are too large', 408: 'The request took too long to arrive' };
  const head = Buffer.isBuffer(error.rawPacket) && error.rawPacket.subarray(0, 5).toString('latin1') === 'HEAD ';
  const body = head ? '' : JSON.stringify(bodyFor(status, messages[status] ?? 'The request is malformed'));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** An Expect header other than 100-continue: Node's own 417 has no body; this one has the common shape. */
export function answerUnknownExpectation(request: IncomingMessage, response: ServerResponse) {
  const body = JSON.stringify(bodyFor(417, `Expect: ${request.headers.expect} is not supported`));
  response.writeHead(417, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}
