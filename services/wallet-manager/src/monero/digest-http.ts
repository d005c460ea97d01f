import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

/**
 * A POST with HTTP digest authentication (RFC 7616, MD5, qop=auth), as monerod's `--rpc-login`
 * wants it. monerod binds the digest nonce to the TCP connection, so the challenge and the answer
 * must travel on the same socket: one keep-alive agent with a single socket per call, and the 401's
 * body read to the end before the second request takes the socket back. (`fetch` opens a new
 * connection for the retry and is refused again.)
 */
export interface DigestLogin {
  username: string;
  password: string;
}

export interface HttpAnswer {
  status: number;
  body: string;
}

export async function postWithDigest(url: URL, body: string, login: DigestLogin | undefined, timeoutMs: number): Promise<HttpAnswer> {
  const client = url.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true, maxSockets: 1 });
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const first = await post(client, agent, url, body, undefined, signal);
    if (first.status !== 401 || !login?.username) return first;
    const challenge = digestChallenge(first.challenges);
    if (!challenge) return first;
    return await post(client, agent, url, body, authorization(challenge, login, url), signal);
  } finally {
    agent.destroy();
  }
}

type Client = typeof http | typeof https;

function post(
  client: Client,
  agent: http.Agent,
  url: URL,
  body: string,
  auth: string | undefined,
  signal: AbortSignal,
): Promise<HttpAnswer & { challenges: string[] }> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (auth) headers.authorization = auth;
    const request = client.request(url, { method: 'POST', agent, headers, signal }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          challenges: response.headersDistinct['www-authenticate'] ?? [],
        }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });
}

interface Challenge {
  realm: string;
  nonce: string;
  opaque?: string;
}

/** The MD5 / qop=auth challenge among those offered (monerod offers MD5 and MD5-sess). */
function digestChallenge(headers: string[]): Challenge | undefined {
  for (const header of headers) {
    if (!/^Digest\s/i.test(header)) continue;
    const fields = Object.fromEntries(
      [...header.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)].map((m) => [m[1]!.toLowerCase(), m[2] ?? m[3] ?? '']),
    );
    const algorithm = (fields.algorithm ?? 'MD5').toUpperCase();
    const qops = (fields.qop ?? '').split(',').map((q) => q.trim());
    if (algorithm === 'MD5' && qops.includes('auth') && fields.realm !== undefined && fields.nonce) {
      return { realm: fields.realm, nonce: fields.nonce, opaque: fields.opaque };
    }
  }
  return undefined;
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

function authorization(challenge: Challenge, login: DigestLogin, url: URL): string {
  const uri = `${url.pathname}${url.search}`;
  const cnonce = randomBytes(8).toString('hex');
  const nc = '00000001';
  const ha1 = md5(`${login.username}:${challenge.realm}:${login.password}`);
  const ha2 = md5(`POST:${uri}`);
  const response = md5(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  const fields = [
    `username="${login.username}"`,
    `realm="${challenge.realm}"`,
    `nonce="${challenge.nonce}"`,
    `uri="${uri}"`,
    'algorithm=MD5',
    'qop=auth',
    `nc=${nc}`,
    `cnonce="${cnonce}"`,
    `response="${response}"`,
  ];
  if (challenge.opaque !== undefined) fields.push(`opaque="${challenge.opaque}"`);
  return `Digest ${fields.join(', ')}`;
}
