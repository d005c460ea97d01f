import fc from 'fast-check';

/** Probes an attacker sends first: SQL, NoSQL and template injection, traversal, odd numerals, control characters. */
export const injections = [
  "' OR '1'='1",
  "1' OR '1'='1' -- ",
  "admin'--",
  '"; DROP TABLE users; --',
  "' UNION SELECT password_hash FROM users -- ",
  '1 AND SLEEP(5)',
  "1' AND (SELECT 1 FROM (SELECT SLEEP(5))x)-- ",
  '{"$gt":""}',
  '{"$ne":null}',
  '{"$where":"sleep(5000)"}',
  '{{7*7}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection probe, meant literally
  '${7*7}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell probe, meant literally
  '${jndi:ldap://x/a}',
  '<%= 7*7 %>',
  '#{7*7}',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '../../../../etc/passwd',
  '..%2f..%2finternal%2fusers',
  '/internal/users/1',
  '%00',
  '\u0000',
  'a\u0000b',
  '\u202e\u0041',
  '\uFEFF1',
  '\uD800',
  '١٢٣',
  '１２３',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e309',
  '1e-400',
  '0x1F',
  '0b101',
  '1_000',
  ' 1',
  '1 ',
  '1,5',
  '+1',
  '.5',
  '5.',
  '-1',
  '-0.000000000001',
  '0.0000000000001',
  '9'.repeat(40),
  `${'9'.repeat(30)}.${'9'.repeat(30)}`,
  'true',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'toString',
  '\r\nX-Injected: 1',
  '%0d%0aX-Injected:%201',
  'USER:1',
  'USER:0',
  'HOT_WALLET',
  '',
  ' ',
];

/** Keys that pollute prototypes or claim privileges: a strict schema refuses every one. */
export const hostileKeys = ['__proto__', 'constructor', 'prototype', 'isAdmin', 'role', 'userId', 'ownerId', 'id', 'status', 'balance'];

const numbers = fc.oneof(
  fc.constantFrom(-1, 0, -0, 1.5, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 63, 2 ** 64, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

const deepNesting = fc.tuple(fc.integer({ min: 20, max: 3000 }), fc.boolean()).map(([depth, asArray]) => {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i += 1) value = asArray ? [value] : { a: value };
  return value;
});

/** A value JSON.parse made, so `__proto__` stays an own key and JSON.stringify sends it. */
export const pollution = fc
  .constantFrom(
    '{"__proto__":{"isAdmin":true,"role":"admin"}}',
    '{"constructor":{"prototype":{"isAdmin":true}}}',
    '{"__proto__":null}',
    '{"toString":"x","valueOf":1,"hasOwnProperty":"x"}',
  )
  .map((text) => JSON.parse(text) as unknown);

/** Strings no client sends: huge, arbitrary Unicode (lone surrogates and control characters included), injections. */
export const hostileString = fc.oneof(
  { arbitrary: fc.constantFrom(...injections), weight: 6 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 80 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 1 },
  { arbitrary: fc.constantFrom(300, 2_100, 70_000).map((n) => 'x'.repeat(n)), weight: 1 },
);

/** Anything a field can be given: a hostile string, a number out of range, a wrong type, deep nesting. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileString, weight: 6 },
  { arbitrary: numbers, weight: 3 },
  { arbitrary: fc.constantFrom(null, true, false, [], {}, [1, 'a'], { $gt: '' }, { $ne: null }), weight: 3 },
  { arbitrary: pollution, weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
  { arbitrary: deepNesting, weight: 1 },
);

/** A copy of `object` with `key` set to `value`, `__proto__` included as an own key. */
export function withKey(object: unknown, key: string, value: unknown): unknown {
  const base = object && typeof object === 'object' && !Array.isArray(object) ? { ...object } : {};
  Object.defineProperty(base, key, { value, enumerable: true, configurable: true, writable: true });
  return base;
}

/** A copy of `object` without `key`. */
export function withoutKey(object: unknown, key: string): unknown {
  if (!object || typeof object !== 'object' || Array.isArray(object)) return object;
  const { [key]: _dropped, ...rest } = object as Record<string, unknown>;
  return rest;
}
