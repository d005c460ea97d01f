import type { FuzzRequest } from './fuzz-requests.ts';
import type { Answer } from './fuzz-send.ts';

/** What no answer may contain unless the request itself said it (an echoed path or value is not a leak). */
const leaks: [string, RegExp][] = [
  ['a stack frame', /\bat (?:async )?[\w$.<>[\]]+ \(|\bat (?:file|node):/g],
  ['a source file', /[\w-]+\.(?:ts|js|mjs|cjs):\d+/g],
  ['an internal path', /\/internal\//gi],
  ['a file system path', /\/(?:work|home|root|tmp|usr|app|node_modules)\/[\w.-]+/g],
  ['the database', /prisma|mariadb|mysql|\bER_[A-Z_]{3,}|SQLSTATE|sqlMessage|errno/gi],
  ['SQL', /\b(?:SELECT\s[\w*]|INSERT INTO|UPDATE\s+`?\w+`?\s+SET|DELETE FROM|WHERE\s+`?\w+`?\s*=)/g],
  ['the broker', /amqp|rabbitmq/gi],
  ['the wallet RPC', /wallet-rpc|json_rpc|monerod|transfer_split|get_balance/gi],
  ['a loopback address', /127\.0\.0\.1|localhost|\[::1\]/gi],
  ['a JavaScript error', /TypeError|ReferenceError|RangeError|SyntaxError|Cannot read propert|is not a function|\[object Object\]/g],
  ['a secret column', /password_?hash|totp_?secret|totpPendingSecret|token_?hash/gi],
  ['a socket error', /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|socket hang up/g],
];

const ERROR_KEYS = new Set(['statusCode', 'code', 'message', 'details']);

/** Percent-decoding run by run, keeping what does not decode: the services decode what they can of a hostile path. */
const decoded = (text: string) =>
  text.replaceAll(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });

/** Everything the request said, as text: what an answer may repeat without leaking anything. */
function said(request: FuzzRequest, authorization: string | undefined): string {
  const parts = [request.url, decoded(request.url), request.body ?? '', ...Object.values(request.headers), authorization ?? ''];
  if (request.body) {
    try {
      parts.push(JSON.stringify(JSON.parse(request.body), (_key, value) => value));
    } catch {
      /* not JSON: the raw text is there already */
    }
  }
  return parts.join('\n').toLowerCase();
}

function errorShapeProblems(answer: Answer, errorCodes: ReadonlySet<string>): string[] {
  if (!String(answer.headers['content-type']).startsWith('application/json')) {
    return [`an error answer of type ${answer.headers['content-type']}: ${answer.text.slice(0, 200)}`];
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return [`an error answer that is not JSON: ${answer.text.slice(0, 200)}`];
  }
  const problems: string[] = [];
  if (!body || typeof body !== 'object' || Array.isArray(body)) return ['an error answer that is not an object'];
  const extra = Object.keys(body).filter((key) => !ERROR_KEYS.has(key));
  if (extra.length) problems.push(`an error answer with keys ${extra.join(', ')}`);
  if (body.statusCode !== answer.status) problems.push(`statusCode ${body.statusCode} in a ${answer.status} answer`);
  if (typeof body.code !== 'string' || !errorCodes.has(body.code)) problems.push(`an unpublished error code ${body.code}`);
  if (typeof body.message !== 'string') problems.push('an error answer without a message');
  return problems;
}

export interface CheckContext {
  /** The codes of the document's ErrorBody. */
  errorCodes: ReadonlySet<string>;
  /** host:port of every upstream, chain and database, the test database's name, its queues. */
  internalNames: readonly string[];
}

/** What is wrong with an answer: a 5xx, no answer, a leak, an error not in the common shape. Empty: nothing. */
export function problemsWith(request: FuzzRequest, authorization: string | undefined, answer: Answer, context: CheckContext): string[] {
  if (answer.status === -1) return [answer.error ?? 'not sendable'];
  if (answer.status === 0) return [`no answer: ${answer.error}`];
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`a ${answer.status}`);
  const echoed = said(request, authorization);
  const text = `${answer.text}\n${JSON.stringify(answer.headers)}`;
  for (const [what, pattern] of leaks) {
    for (const match of text.matchAll(pattern)) {
      if (!echoed.includes(match[0].toLowerCase()))
        problems.push(`${what}: …${text.slice(Math.max(0, match.index - 60), match.index + 80)}…`);
    }
  }
  for (const name of context.internalNames) {
    if (text.includes(name) && !echoed.includes(name.toLowerCase())) problems.push(`an internal name: ${name}`);
  }
  if (answer.status >= 400 && request.method !== 'HEAD') problems.push(...errorShapeProblems(answer, context.errorCodes));
  return [...new Set(problems)];
}
