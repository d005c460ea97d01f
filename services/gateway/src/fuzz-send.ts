import http from 'node:http';
import type { Tampering } from './fuzz-request-parts.ts';
import type { Caller, FuzzRequest } from './fuzz-requests.ts';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** Set when no answer came: the connection was refused, reset or timed out. */
  error?: string;
  milliseconds?: number;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token made from a real one: what a caller holding their own token might try. */
function tampered(token: string, how: Tampering): string {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const claims = () => ({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'admin' });
  switch (how) {
    case 'flip-signature':
      return `Bearer ${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    case 'alg-none':
      return `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims())}.`;
    case 'claim-admin':
      return `Bearer ${header}.${base64url(claims())}.${signature}`;
    case 'two-tokens':
      return `Bearer ${token}, Bearer ${token}`;
    case 'lower-case':
      return `bearer ${token}`;
    case 'no-scheme':
      return token;
  }
}

/** The Authorization header of a request, if any: the caller's token, a tampered one (made from the user's), or raw text. */
export function authorizationHeader(request: FuzzRequest, tokens: Record<Exclude<Caller, 'anonymous'>, string>): string | undefined {
  const { authorization, caller } = request;
  if (authorization.kind === 'raw') return authorization.value;
  if (authorization.kind === 'tampered') return tampered(caller === 'admin' ? tokens.admin : tokens.user, authorization.how);
  return caller === 'anonymous' ? undefined : `Bearer ${tokens[caller]}`;
}

/**
 * Sends a request byte for byte as made (node:http: no URL normalisation, so dot segments and
 * encoded slashes reach the gateway as written), on a connection of its own.
 */
export function send(gateway: URL, request: FuzzRequest, authorization: string | undefined, timeoutMs = 30_000): Promise<Answer> {
  const headers: Record<string, string> = { ...request.headers };
  if (authorization !== undefined) headers.authorization = authorization;
  if (request.body !== undefined && headers['transfer-encoding'] === undefined) {
    headers['content-length'] = String(Buffer.byteLength(request.body));
  }
  const started = performance.now();
  return new Promise<Answer>((resolve) => {
    let outgoing: http.ClientRequest;
    try {
      outgoing = http.request(
        {
          host: gateway.hostname,
          port: gateway.port,
          method: request.method,
          path: request.url,
          headers,
          agent: false,
          timeout: timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', (error) => resolve({ status: 0, headers: {}, text: '', error: error.message }));
        },
      );
    } catch (error) {
      // Node refuses to send it (a character it will not put on the wire): a fault of the generator.
      resolve({ status: -1, headers: {}, text: '', error: `not sendable: ${(error as Error).message}` });
      return;
    }
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on('error', (error) => resolve({ status: 0, headers: {}, text: '', error: error.message }));
    outgoing.end(request.body);
  }).then((answer) => ({ ...answer, milliseconds: Math.round(performance.now() - started) }));
}
