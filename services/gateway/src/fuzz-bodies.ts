import fc from 'fast-check';
import { type Hints, valueFrom } from './fuzz-arbitraries.ts';
import { hostileKeys, hostileValue, withKey, withoutKey } from './fuzz-hostile.ts';
import type { Operation } from './fuzz-requests.ts';

export type Part<T> = fc.Arbitrary<{ value: T; hostile: boolean }>;
export const plain = <T>(arbitrary: fc.Arbitrary<T>, hostile = false): Part<T> => arbitrary.map((value) => ({ value, hostile }));

/** A body the schema accepts (mostly), or a known good one, or no body where the operation takes none. */
export function validBodyFrom(operation: Operation, hints: Hints, examples: readonly unknown[] = []): fc.Arbitrary<unknown> {
  if (!operation.body) return fc.constant(undefined);
  const generated = valueFrom(operation.body, hints);
  return examples.length ? fc.oneof(fc.constantFrom(...examples), generated) : generated;
}

/** A body: the schema's with one field made hostile, a key missing or added, or something else altogether. */
export function hostileBodyFrom(operation: Operation, hints: Hints): Part<unknown> {
  const schema = operation.body;
  if (!schema) {
    return fc.oneof({ arbitrary: plain(fc.constant(undefined)), weight: 6 }, { arbitrary: plain(hostileValue, true), weight: 1 });
  }
  const valid = valueFrom(schema, hints);
  const shape = schema.properties ? schema : (schema.anyOf?.find((member) => member.properties) ?? schema);
  const keys = Object.keys(shape.properties ?? {});
  const required = shape.required ?? [];
  const privileged = fc.oneof(hostileValue, fc.constantFrom(true, 'admin', 1, 0));
  return fc.oneof(
    { arbitrary: plain(valid), weight: 3 },
    ...(keys.length
      ? [
          {
            arbitrary: plain(
              fc.tuple(valid, fc.constantFrom(...keys), hostileValue).map(([v, k, h]) => withKey(v, k, h)),
              true,
            ),
            weight: 4,
          },
        ]
      : []),
    ...(required.length
      ? [
          {
            arbitrary: plain(
              fc.tuple(valid, fc.constantFrom(...required)).map(([v, k]) => withoutKey(v, k)),
              true,
            ),
            weight: 1,
          },
        ]
      : []),
    {
      arbitrary: plain(
        fc.tuple(valid, fc.constantFrom(...hostileKeys), privileged).map(([v, k, h]) => withKey(v, k, h)),
        true,
      ),
      weight: 2,
    },
    { arbitrary: plain(hostileValue, true), weight: 1 },
  );
}

/** How a body is put on the wire: JSON, or JSON with a duplicate key, broken JSON, a wrong content type, nothing. */
export type Encoding = 'json' | 'duplicate-key' | 'bad-json' | 'content-type' | 'no-body';
export const encodings = fc.oneof(
  { arbitrary: fc.constant<Encoding>('json'), weight: 12 },
  { arbitrary: fc.constantFrom<Encoding>('duplicate-key', 'bad-json', 'content-type', 'no-body'), weight: 4 },
);

export const brokenJson = fc.constantFrom(
  (text: string) => text.slice(0, Math.floor(text.length / 2)),
  (text: string) => `${text}}`,
  (text: string) => `\uFEFF${text}`,
  (text: string) => `[${text}`,
  (text: string) => text.replace('"', "'"),
  (text: string) => text.replace(/}$/, ',}'),
  () => 'NaN',
  () => '{"a":"\u0001\u0002"}',
  () => '',
);
export const wrongTypes = fc.constantFrom(
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=utf-16',
  'application/json; charset=iso-8859-1',
  'APPLICATION/JSON',
  'application/json, text/plain',
  'application/vnd.api+json',
  ';;;',
  'application/json; boundary=%',
);

export interface Encoded {
  body?: string;
  contentType?: string;
  hostile: boolean;
}

export function encode(
  value: unknown,
  encoding: Encoding,
  extra: { broken: (t: string) => string; type: string; duplicate: unknown },
): Encoded {
  const text = value === undefined ? undefined : JSON.stringify(value);
  if (text === undefined || encoding === 'no-body') return { hostile: encoding === 'no-body' };
  const json = { body: text, contentType: 'application/json' };
  switch (encoding) {
    case 'json':
      return { ...json, hostile: false };
    case 'duplicate-key': {
      const key = /^\{"((?:[^"\\]|\\.)*)":/.exec(text)?.[1];
      if (!key) return { ...json, hostile: false };
      return { ...json, body: `${text.slice(0, -1)},"${key}":${JSON.stringify(extra.duplicate) ?? 'null'}}`, hostile: true };
    }
    case 'bad-json':
      return { ...json, body: extra.broken(text), hostile: true };
    case 'content-type':
      return { body: text, contentType: extra.type, hostile: true };
  }
}
