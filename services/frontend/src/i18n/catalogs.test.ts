import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { offerStatuses, paymentMethods, tradeStates } from '@pupero/shared/contracts';
import { errorStatus } from '@pupero/shared/errors';
import { FORM_FIELDS, knownRefusals } from './refusals.ts';
import { LANGUAGES, readCatalog } from './setup.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PLURAL = /_(zero|one|two|few|many|other)$/;

/** "a.b.c_one" → "a.b.c": the keys a template asks for, whatever the language's plural forms. */
function keysOf(catalog: Record<string, unknown>, prefix = ''): Set<string> {
  const keys = new Set<string>();
  for (const [name, value] of Object.entries(catalog)) {
    if (value !== null && typeof value === 'object')
      for (const key of keysOf(value as Record<string, unknown>, `${prefix}${name}.`)) keys.add(key);
    else keys.add(`${prefix}${name}`.replace(PLURAL, ''));
  }
  return keys;
}

/** Every sentence of a catalog. */
const valuesOf = (catalog: Record<string, unknown>): string[] =>
  Object.values(catalog).flatMap((value) => (typeof value === 'string' ? [value] : valuesOf(value as Record<string, unknown>)));

/** The keys of `a` that `b` lacks. */
const missingFrom = (a: Set<string>, b: Set<string>) => [...a].filter((key) => !b.has(key)).sort();

/** Every file under a folder, with one of these endings. */
function filesUnder(dir: string, endings: string[]): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => endings.some((ending) => name.endsWith(ending)) && !name.endsWith('.test.ts'))
    .map((name) => join(dir, name));
}

/**
 * The catalog keys the code and the templates name: every quoted literal that starts with one of
 * the catalogs' top-level names and has a dot ('errors.taken', "nav.offers"). Dynamic keys
 * ('state.' + s) are covered by the lists of states, methods and codes checked below.
 */
function keysUsed(namespaces: Set<string>): Map<string, string> {
  const used = new Map<string, string>();
  const files = [...filesUnder(join(root, 'src'), ['.ts']), ...filesUnder(join(root, 'views'), ['.ejs'])];
  for (const file of files) {
    for (const [, key] of readFileSync(file, 'utf8').matchAll(/['"`]([a-zA-Z]+(?:\.[A-Za-z0-9_]+)+)['"`]/g)) {
      if (namespaces.has(key!.split('.')[0]!)) used.set(key!, file.slice(root.length));
    }
  }
  return used;
}

describe('the catalogs (locales/<language>/translation.json)', () => {
  const catalogs = Object.fromEntries(LANGUAGES.map((language) => [language, readCatalog(language)]));
  const keys = Object.fromEntries(LANGUAGES.map((language) => [language, keysOf(catalogs[language]!)]));

  it('have the same keys in English and in French, both ways', () => {
    assert.deepEqual(missingFrom(keys.en!, keys.fr!), [], 'in English, not in French');
    assert.deepEqual(missingFrom(keys.fr!, keys.en!), [], 'in French, not in English');
    // The check itself notices one key less.
    const fewer = new Set(keys.fr);
    fewer.delete('nav.offers');
    assert.deepEqual(missingFrom(keys.en!, fewer), ['nav.offers']);
  });

  it('give every plural the forms its language needs', () => {
    const forms = { en: ['one', 'other'], fr: ['one', 'many', 'other'] } as const;
    for (const language of LANGUAGES) {
      const flat = JSON.stringify(catalogs[language]);
      for (const [, base] of flat.matchAll(/"([A-Za-z]+)_other"/g)) {
        for (const form of forms[language]) assert.match(flat, new RegExp(`"${base}_${form}"`), `${language}: ${base}_${form}`);
      }
    }
  });

  it('hold every key the code and the templates use', () => {
    const namespaces = new Set(Object.keys(catalogs.en!));
    const used = keysUsed(namespaces);
    assert.ok(used.size > 200, `the scan finds the keys in use (${used.size})`);
    for (const language of LANGUAGES) {
      const absent = [...used].filter(([key]) => !keys[language]!.has(key)).map(([key, file]) => `${key} (${file})`);
      assert.deepEqual(absent, [], `used but not in the ${language} catalog`);
    }
  });

  it('word every error code, form field, refusal, payment method and state', () => {
    const needed = [
      ...Object.keys(errorStatus).map((code) => `errors.code.${code}`),
      'errors.code.UNKNOWN',
      ...FORM_FIELDS.map((field) => `validation.field.${field}`),
      ...knownRefusals.map((refusal) => refusal.key),
      ...paymentMethods.map((method) => `method.${method}`),
      ...[...tradeStates, ...offerStatuses].map((state) => `state.${state}`),
    ];
    for (const language of LANGUAGES) {
      assert.deepEqual(
        needed.filter((key) => !keys[language]!.has(key)),
        [],
        `missing in ${language}`,
      );
    }
  });

  it('are real French where they differ: accents, no English left behind', () => {
    const fr = valuesOf(catalogs.fr!).join('\n');
    for (const word of ['dépôt', 'retrait', 'séquestre', 'offre', 'échange', 'vendeur', 'acheteur', 'litige']) {
      assert.match(fr.toLowerCase(), new RegExp(word), word);
    }
    assert.doesNotMatch(fr, /\b(the|your|trade|withdrawal|please)\b/i, 'no English word in the French catalog');
  });
});
