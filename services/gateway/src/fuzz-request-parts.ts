import fc from 'fast-check';
import { hostileKeys, hostileString, injections } from './fuzz-hostile.ts';

/** Percent-encoding that also sends a lone surrogate, as the three bytes no valid UTF-8 has (an attacker's choice). */
export function percentEncode(text: string): string {
  return Array.from(text)
    .map((char) => {
      try {
        return encodeURIComponent(char);
      } catch {
        const unit = char.charCodeAt(0);
        return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('');
      }
    })
    .join('');
}

/** Node sends a request line of bytes 0x21–0xFF only: anything else is percent-encoded, the rest goes raw. */
export const rawSafe = (text: string) =>
  Array.from(text)
    .map((char) => (/^[\u0021-\u007e]$/.test(char) ? char : percentEncode(char)))
    .join('');

/** Path segments that try to leave the route: traversal (encoded, doubly, overlong UTF-8), odd numerals, huge ids. */
const hostileSegments = [
  '..%2f',
  '..%2F..%2Finternal%2Fusers',
  '%2e%2e%2f%2e%2e%2finternal%2fhealthz',
  '%2e%2e',
  '..',
  '.',
  '%2finternal%2fusers%2f1',
  'internal',
  '%252e%252e%252finternal',
  '..;',
  '..%5c..%5cinternal',
  '%C0%AE%C0%AE%2F',
  '%00',
  '1%00',
  '1%0d%0aX-Injected:1',
  '0',
  '-1',
  '01',
  '1.0',
  '1e3',
  '0x10',
  '+1',
  '%201',
  '2147483648',
  '9223372036854775808',
  '9'.repeat(30),
  'a'.repeat(65),
  'a'.repeat(5_000),
  '%E0%A4%A',
  '%',
  '%zz',
  '%F0%9F%92%A9',
  '%EF%BC%91',
  "1'",
  '1;DROP',
  '*',
  '__proto__',
  'constructor',
  'null',
];

export const hostileSegment = fc.oneof(
  { arbitrary: fc.constantFrom(...hostileSegments), weight: 4 },
  { arbitrary: hostileString.map((s) => rawSafe(s.slice(0, 3_000)) || '%20'), weight: 2 },
);

/** Whole-path tricks: trailing and doubled slashes, case, dot segments, an internal path appended raw. */
export const pathTricks: fc.Arbitrary<(path: string) => string> = fc.constantFrom(
  (p: string) => `${p}/`,
  (p: string) => `/${p}`,
  (p: string) => p.toUpperCase(),
  (p: string) => p.replaceAll('/', '%2F'),
  (p: string) => p.replace('/', '/./'),
  (p: string) => `${p}/../internal/users`,
  (p: string) => `${p}/..%2finternal%2fusers`,
  (p: string) => `${p}%00.json`,
  (p: string) => `${p};jsessionid=1`,
  (p: string) => `${p}#fragment`,
);

const encodeQuery = (key: string, value: string, raw: boolean) =>
  raw ? `${rawSafe(key)}=${rawSafe(value)}` : `${percentEncode(key)}=${percentEncode(value)}`;

/** Random query strings: the declared parameters with good or hostile values, repeated, bracketed, or made up. */
export function queryFrom(declared: { name: string; value: fc.Arbitrary<unknown> }[]): fc.Arbitrary<string> {
  const pair = fc.oneof(
    ...declared.map(({ name, value }) => fc.tuple(fc.constant(name), value.map(String))),
    ...declared.map(({ name }) => fc.tuple(fc.constant(name), hostileString)),
    ...declared.map(({ name }) => fc.tuple(fc.constantFrom(`${name}[]`, `${name}[$gt]`, `${name}[0]`), hostileString)),
    fc.tuple(fc.constantFrom(...hostileKeys, '__proto__[isAdmin]', 'constructor[prototype][x]', 'limit', 'cursor'), hostileString),
    fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 })),
  );
  const pairs = fc.array(fc.tuple(pair, fc.boolean()), { maxLength: 5 });
  return fc.oneof(
    { arbitrary: fc.constant(''), weight: 2 },
    { arbitrary: pairs.map((list) => list.map(([[key, value], raw]) => encodeQuery(key, value, raw)).join('&')), weight: 5 },
    { arbitrary: fc.constantFrom('%', '%E0%A4%A', '&&&', '=', '==x', '?', 'a=%00', 'limit=1&limit=2'), weight: 1 },
  );
}

/** Header values Node will send: control characters and bytes past 0xFF become '?'. */
const headerSafe = (text: string) => text.replaceAll(/[^\t\u0020-\u007e\u0080-\u00ff]/g, '?');

const address = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.'));

/** Headers no client sends: a spoofed client address, spoofed service identities, huge values, odd protocols. */
export const hostileHeaders: fc.Arbitrary<Record<string, string>> = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constantFrom('x-forwarded-for', 'x-real-ip', 'forwarded', 'true-client-ip'), fc.oneof(address, fc.constant('127.0.0.1'))),
      fc.tuple(
        fc.constant('x-forwarded-for'),
        fc.array(address, { minLength: 2, maxLength: 40 }).map((list) => list.join(', ')),
      ),
      fc.tuple(
        fc.constantFrom('x-service-token', 'x-user-id', 'x-user-role', 'x-client-address', 'x-original-url', 'x-rewrite-url'),
        hostileString,
      ),
      fc.tuple(fc.constantFrom('x-http-method-override', 'x-method-override'), fc.constantFrom('DELETE', 'PUT', 'PATCH', 'GET')),
      fc.tuple(
        fc.constantFrom('x-request-id', 'idempotency-key', 'accept', 'accept-language', 'user-agent', 'origin', 'referer'),
        hostileString,
      ),
      fc.tuple(
        fc.constantFrom('cookie', 'x-huge'),
        fc.constantFrom(4_000, 12_000, 20_000).map((n) => `a=${'b'.repeat(n)}`),
      ),
      fc.tuple(fc.constant('host'), fc.constantFrom('evil.example', 'localhost:3306', '127.0.0.1:8001', '')),
      fc.tuple(fc.constant('accept-encoding'), fc.constantFrom('gzip, deflate, br', 'identity;q=0', '*;q=0', 'x'.repeat(500))),
      fc.tuple(fc.constant('expect'), fc.constantFrom('100-continue', 'x')),
      fc.tuple(fc.constant('transfer-encoding'), fc.constantFrom('chunked', 'gzip, chunked')),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((pairs) => Object.fromEntries(pairs.map(([name, value]) => [name, headerSafe(value)])));

/** What the Authorization header carries: the caller's own token, or something made to look like one. */
export type Authorization = { kind: 'caller' } | { kind: 'raw'; value: string } | { kind: 'tampered'; how: Tampering };
export type Tampering = 'flip-signature' | 'alg-none' | 'claim-admin' | 'two-tokens' | 'lower-case' | 'no-scheme';

export const authorization: fc.Arbitrary<Authorization> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'caller' as const }), weight: 12 },
  {
    arbitrary: fc
      .constantFrom<Tampering>('flip-signature', 'alg-none', 'claim-admin', 'two-tokens', 'lower-case', 'no-scheme')
      .map((how) => ({ kind: 'tampered' as const, how })),
    weight: 2,
  },
  {
    arbitrary: fc
      .oneof(
        fc.constantFrom('Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'Bearer null', 'Bearer undefined', `Bearer ${'a'.repeat(9_000)}`),
        fc.constantFrom(...injections).map((s) => `Bearer ${s}`),
      )
      .map((value) => ({ kind: 'raw' as const, value: headerSafe(value) })),
    weight: 1,
  },
);
