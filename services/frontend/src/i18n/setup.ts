import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import i18next from 'i18next';
import { handle, LanguageDetector } from 'i18next-http-middleware';

/** The languages of the pages; the first is the default. */
export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
/** The reader's choice from the switcher; without it, Accept-Language decides. */
export const LANGUAGE_COOKIE = 'pupero_lang';

/** What a route or a helper needs of i18next: a key (and its values) to a sentence. */
export type Translate = (key: string, values?: Record<string, unknown>) => string;

const catalogPath = (language: string) => fileURLToPath(new URL(`../../locales/${language}/translation.json`, import.meta.url));
export const readCatalog = (language: string): Record<string, unknown> => JSON.parse(readFileSync(catalogPath(language), 'utf8'));

/**
 * One i18next instance per app (no module singleton), the catalogs read once from files, and its
 * Express middleware: `req.t`, `req.language` and `res.locals.t` on every request. The language is
 * the cookie's, else the best of Accept-Language, else English.
 */
export function createI18n() {
  const instance = i18next.createInstance();
  const detector = new LanguageDetector(null, {
    order: ['cookie', 'header'],
    lookupCookie: LANGUAGE_COOKIE,
    caches: false,
    // "fr-CA" reads the French pages, and says so as "fr" (Content-Language, <html lang>).
    convertDetectedLanguage: (code: string) => code.slice(0, 2).toLowerCase(),
  });
  instance.use(detector).init({
    initAsync: false,
    resources: Object.fromEntries(LANGUAGES.map((language) => [language, { translation: readCatalog(language) }])),
    supportedLngs: [...LANGUAGES],
    load: 'languageOnly',
    fallbackLng: 'en',
    // EJS escapes what it prints; values are never pre-escaped (no "&amp;" shown twice).
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return { instance, middleware: handle(instance) };
}

/** The page language of a request: one of LANGUAGES. */
export function languageOf(language: string | undefined): Language {
  const base = (language ?? '').slice(0, 2).toLowerCase();
  return (LANGUAGES as readonly string[]).includes(base) ? (base as Language) : 'en';
}
