import type { Request } from 'express';

/** One cookie of the request, decoded; undefined when absent, malformed or longer than `max`. */
export function cookieValue(req: Request, name: string, max = 2048): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = pair.trim().split('=');
    if (key !== name) continue;
    try {
      const decoded = decodeURIComponent(value.join('='));
      return decoded.length > 0 && decoded.length <= max ? decoded : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
