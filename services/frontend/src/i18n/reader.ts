import type { Request } from 'express';
import { cookieValue } from '../http/cookies.ts';
import { DEFAULT_TIME_ZONE, formattersFor, isTimeZone, TIME_ZONE_COOKIE } from './format.ts';
import { type Language, languageOf, type Translate } from './setup.ts';

/** Who reads the page: their language and time zone, with the sentences and formats that follow. */
export interface Reader extends ReturnType<typeof formattersFor> {
  language: Language;
  timeZone: string;
  t: Translate;
}

export function timeZoneOf(req: Request): string {
  const zone = cookieValue(req, TIME_ZONE_COOKIE, 64);
  return zone && isTimeZone(zone) ? zone : DEFAULT_TIME_ZONE;
}

export function readerOf(req: Request): Reader {
  const language = languageOf(req.language);
  const timeZone = timeZoneOf(req);
  const t: Translate = (key, values) => req.t(key, values) as string;
  return { language, timeZone, t, ...formattersFor(language, timeZone) };
}
