import fc from 'fast-check';

/** The part of JSON Schema (draft 2020-12) that zod's schemas become in the OpenAPI document. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

/** Known good values by property name (an address the ledger accepts, …): they take a request past validation. */
export type Hints = Record<string, readonly string[]>;

/** Strings the schema leaves open are mostly amounts and prices here: decimals reach the parsers behind them. */
const decimal = fc.oneof(
  fc.tuple(fc.nat({ max: 200 }), fc.nat({ max: 99_999 })).map(([whole, fraction]) => `${whole}.${fraction}`),
  fc.nat({ max: 20 }).map(String),
  fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 20 }))
    .map(([whole, fraction]) => (fraction ? `${whole}.${fraction}` : String(whole))),
);

function stringFrom(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 64, minLength + 64));
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern);
    return fc.stringMatching(pattern).filter((s) => s.length >= minLength && s.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY));
  }
  const plain = fc.string({ minLength, maxLength });
  return schema.minLength || schema.maxLength ? plain : fc.oneof({ arbitrary: decimal, weight: 3 }, { arbitrary: plain, weight: 1 });
}

function numberFrom(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lowest = schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : (schema.minimum ?? -1_000_000);
  const highest = schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : (schema.maximum ?? 1_000_000);
  const min = Math.max(lowest, Number.MIN_SAFE_INTEGER);
  const max = Math.min(highest, Number.MAX_SAFE_INTEGER);
  // Small values are the ones a fixture has: ids 1…10 and limits.
  const small = fc.integer({ min, max: Math.min(max, min + 10) });
  if (integer) return fc.oneof(small, fc.integer({ min, max }));
  return fc.double({ min, max, noNaN: true });
}

const ABSENT = Symbol('absent');

/**
 * Required keys always; each optional key one time in three: optional fields here often exclude
 * each other (a fixed price or a margin), which the document cannot say.
 */
function objectFrom(schema: JsonSchema, hints: Hints): fc.Arbitrary<Record<string, unknown>> {
  const required = new Set(schema.required ?? []);
  const entries = Object.entries(schema.properties ?? {}).map(([key, property]) => {
    const value = valueFrom(property, hints, key);
    return [
      key,
      required.has(key) ? value : fc.oneof({ arbitrary: fc.constant(ABSENT), weight: 2 }, { arbitrary: value, weight: 1 }),
    ] as const;
  });
  return fc
    .record(Object.fromEntries(entries))
    .map((object) => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== ABSENT)));
}

/** A value the schema accepts (mostly: formats and refinements the document cannot say are left to chance). */
export function valueFrom(schema: JsonSchema, hints: Hints = {}, name?: string): fc.Arbitrary<unknown> {
  const known = name ? hints[name] : undefined;
  const generated = generatedFrom(schema, hints);
  return known?.length ? fc.oneof(fc.constantFrom(...known), generated) : generated;
}

function generatedFrom(schema: JsonSchema, hints: Hints): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return fc.oneof(...union.map((member) => valueFrom(member, hints)));
  if (schema.allOf?.[0]) return valueFrom(schema.allOf[0], hints);
  if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((type) => valueFrom({ ...schema, type }, hints)));
  switch (schema.type) {
    case 'object':
      return objectFrom(schema, hints);
    case 'array': {
      // Lists of choices (payment methods) are refused with a choice twice: the document cannot say so.
      const constraints = { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, schema.items?.enum?.length ?? 5) };
      const items = valueFrom(schema.items ?? {}, hints);
      return schema.items?.enum ? fc.uniqueArray(items, constraints) : fc.array(items, constraints);
    }
    case 'string':
      return stringFrom(schema);
    case 'integer':
      return numberFrom(schema, true);
    case 'number':
      return numberFrom(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}
