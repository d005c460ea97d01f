import fc from 'fast-check';
import { type Hints, type JsonSchema, valueFrom } from './fuzz-arbitraries.ts';
import {
  brokenJson,
  type Encoded,
  encode,
  encodings,
  hostileBodyFrom,
  type Part,
  plain,
  validBodyFrom,
  wrongTypes,
} from './fuzz-bodies.ts';
import { hostileValue } from './fuzz-hostile.ts';
import {
  type Authorization,
  authorization,
  hostileHeaders,
  hostileSegment,
  pathTricks,
  percentEncode,
  queryFrom,
} from './fuzz-request-parts.ts';

export type Caller = 'anonymous' | 'user' | 'admin';

/** One operation of the OpenAPI document: what the fuzz generates its requests from. */
export interface Operation {
  method: string;
  /** As the document writes it: /offers/{id}/trades. */
  path: string;
  parameters: { in: string; name: string; schema: JsonSchema }[];
  body?: JsonSchema;
}

export interface FuzzRequest {
  /** `POST /offers/{id}/trades`: the operation it was made from. */
  operation: string;
  caller: Caller;
  authorization: Authorization;
  method: string;
  /** Path and query, exactly as sent. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** The parts made hostile, for the figures: body, encoding, path, query, headers, method. */
  hostile: string[];
}

type Document = {
  paths: Record<
    string,
    Record<string, { parameters?: Operation['parameters']; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>
  >;
};

export function operationsOf(document: Document): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      parameters: operation.parameters ?? [],
      body: operation.requestBody?.content?.['application/json']?.schema,
    })),
  );
}

/** The real things a path may name, by what the path is about: an id the caller owns reaches the handler. */
export interface IdPools {
  userIds: string[];
  usernames: string[];
  offerIds: string[];
  tradeIds: string[];
  withdrawalIds: string[];
}

function poolFor(path: string, pools: IdPools): string[] {
  if (path.startsWith('/balances/')) return pools.userIds;
  if (path.startsWith('/users/')) return pools.usernames;
  if (path.startsWith('/withdrawals/')) return pools.withdrawalIds;
  if (path.startsWith('/offers/')) return pools.offerIds;
  if (path.startsWith('/trades/') || path.startsWith('/admin/disputes/')) return pools.tradeIds;
  return [];
}

/** `arbitrary` `weight` times in `weight + otherwise`, null the rest. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, weight: number, otherwise: number): fc.Arbitrary<T | null> =>
  fc.oneof({ arbitrary, weight }, { arbitrary: fc.constant(null), weight: otherwise });

function pathFrom(operation: Operation, pools: IdPools, hints: Hints, hostile: boolean): Part<string> {
  const names = operation.path.match(/\{[^}]+\}/g) ?? [];
  const segments = names.map((name) => {
    const declared = operation.parameters.find((p) => p.in === 'path' && `{${p.name}}` === name);
    const known = poolFor(operation.path, pools);
    return fc.oneof(
      ...(known.length ? [{ arbitrary: plain(fc.constantFrom(...known)), weight: 4 }] : []),
      { arbitrary: plain(valueFrom(declared?.schema ?? {}, hints).map((v) => percentEncode(String(v)))), weight: 2 },
      ...(hostile ? [{ arbitrary: plain(hostileSegment, true), weight: 3 }] : []),
    );
  });
  const trick = hostile ? sometimes(pathTricks, 1, 5) : fc.constant(null);
  return fc.tuple(fc.tuple(...segments), trick).map(([chosen, twist]) => {
    let index = 0;
    const path = operation.path.replaceAll(/\{[^}]+\}/g, () => chosen[index++]!.value);
    return { value: twist ? twist(path) : path, hostile: Boolean(twist) || chosen.some((s) => s.hostile) };
  });
}

const otherMethods = fc.constantFrom('OPTIONS', 'TRACE', 'HEAD', 'PATCH', 'PUT', 'DELETE', 'POST', 'GET');

/** The declared query parameters, some of them, each with a value its schema accepts. */
function validQueryFrom(declared: { name: string; value: fc.Arbitrary<unknown> }[]): fc.Arbitrary<string> {
  if (declared.length === 0) return fc.constant('');
  return fc
    .tuple(...declared.map(({ name, value }) => fc.option(value.map((v) => `${encodeURIComponent(name)}=${percentEncode(String(v))}`))))
    .map((pairs) => pairs.filter((pair) => pair !== null).join('&'));
}

/** What one request is made of, and which of its parts are hostile. */
interface Drawn {
  caller: Caller;
  authorization: Authorization;
  method: string | null;
  path: { value: string; hostile: boolean };
  query: { value: string; hostile: boolean };
  headers: Record<string, string> | null;
  idempotencyKey: string | null;
  body: { value: unknown; hostile: boolean };
  sent: Encoded;
}

function toRequest(operation: Operation, r: Drawn): FuzzRequest {
  const hostile = Object.entries({
    body: r.body.hostile,
    encoding: r.sent.hostile,
    path: r.path.hostile,
    query: r.query.hostile,
    headers: r.headers !== null,
    method: r.method !== null,
    authorization: r.authorization.kind !== 'caller',
  }).flatMap(([part, yes]) => (yes ? [part] : []));
  return {
    operation: `${operation.method} ${operation.path}`,
    caller: r.caller,
    authorization: r.authorization,
    method: r.method ?? operation.method,
    url: r.query.value ? `${r.path.value}?${r.query.value}` : r.path.value,
    headers: {
      ...(r.idempotencyKey ? { 'idempotency-key': r.idempotencyKey } : {}),
      ...r.headers,
      ...(r.sent.contentType ? { 'content-type': r.sent.contentType } : {}),
    },
    ...(r.sent.body !== undefined ? { body: r.sent.body } : {}),
    hostile,
  };
}

/**
 * One request against `operation`: two in five well formed (a signed-in caller's own token, an id
 * of a fixture, a body and query the schema accepts) to reach the handlers; the rest with hostile
 * parts mixed in (body, encoding, path, query, headers, method, Authorization).
 */
export function requestFrom(
  operation: Operation,
  pools: IdPools,
  hints: Hints,
  examples: readonly unknown[] = [],
): fc.Arbitrary<FuzzRequest> {
  const declaredQuery = operation.parameters
    .filter((p) => p.in === 'query')
    .map((p) => ({ name: p.name, value: valueFrom(p.schema, hints) }));
  // The ledger wants an Idempotency-Key on a withdrawal; the document does not say so (a header it reads itself).
  const idempotencyKey = operation.method === 'POST' ? fc.option(fc.uuid(), { freq: 5 }) : fc.constant(null);
  const wellFormed = fc
    .record({
      caller: fc.constantFrom<Caller>('anonymous', 'user', 'user', 'admin'),
      path: pathFrom(operation, pools, hints, false),
      query: validQueryFrom(declaredQuery),
      idempotencyKey,
      body: validBodyFrom(operation, hints, examples),
    })
    .map((r) =>
      toRequest(operation, {
        ...r,
        authorization: { kind: 'caller' },
        method: null,
        query: { value: r.query, hostile: false },
        headers: null,
        body: { value: r.body, hostile: false },
        sent: encode(r.body, 'json', { broken: String, type: '', duplicate: null }),
      }),
    );
  const hostile = fc
    .record({
      caller: fc.constantFrom<Caller>('anonymous', 'user', 'user', 'user', 'admin', 'admin'),
      authorization,
      method: sometimes(otherMethods, 1, 12),
      path: pathFrom(operation, pools, hints, true),
      query: fc.oneof(plain(validQueryFrom(declaredQuery)), plain(queryFrom(declaredQuery), true)),
      headers: sometimes(hostileHeaders, 1, 2),
      idempotencyKey,
      body: hostileBodyFrom(operation, hints),
      encoding: encodings,
      extra: fc.record({ broken: brokenJson, type: wrongTypes, duplicate: hostileValue }),
    })
    .map((r) => toRequest(operation, { ...r, sent: encode(r.body.value, r.encoding, r.extra) }));
  return fc.oneof({ arbitrary: wellFormed, weight: 2 }, { arbitrary: hostile, weight: 3 });
}
