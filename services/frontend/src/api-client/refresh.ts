import type { SessionAuth } from '../session/data.ts';
import type { Caller } from './client.ts';
import { refusalOf, SessionExpiredError } from './errors.ts';

/** Refresh this long before the access token expires, so a call never starts with a dying token. */
const EARLY_MS = 30_000;
/** How long a rotation is remembered for the requests of the same session that still hold the old token. */
const REMEMBER_MS = 60_000;

interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}
type RefreshCall = (caller: Caller, refreshToken: string) => Promise<{ status: number; body: any }>;

/**
 * Keeps a session's access token fresh. Refresh tokens rotate on every use and reusing a rotated
 * one revokes the whole login, so two requests of one browser must never both spend the same
 * token: one refresh runs per refresh token, and its result is remembered for a minute for the
 * requests that loaded the session before it was saved. (Across replicas the same race can still
 * log a user out; rare, and only an inconvenience.)
 */
export function createRefresher(refreshCall: RefreshCall, now = () => Date.now()) {
  const inFlight = new Map<string, Promise<Tokens>>();
  const rotated = new Map<string, { tokens: Tokens; until: number }>();

  function rotate(caller: Caller, refreshToken: string): Promise<Tokens> {
    const remembered = rotated.get(refreshToken);
    if (remembered && remembered.until > now()) return Promise.resolve(remembered.tokens);
    let pending = inFlight.get(refreshToken);
    if (!pending) {
      pending = refreshCall(caller, refreshToken)
        .then((answer) => {
          // Only a refused token ends the session; a rate limit or a refused request leaves it as it is.
          if (answer.status === 401) throw new SessionExpiredError();
          if (answer.status !== 200) throw refusalOf(answer);
          forgetOld();
          rotated.set(refreshToken, { tokens: answer.body as Tokens, until: now() + REMEMBER_MS });
          return answer.body as Tokens;
        })
        .finally(() => inFlight.delete(refreshToken));
      inFlight.set(refreshToken, pending);
    }
    return pending;
  }

  function forgetOld() {
    const t = now();
    for (const [key, entry] of rotated) if (entry.until <= t) rotated.delete(key);
  }

  /** A usable access token for the session, refreshed first when due (or when `force`d after a TOKEN_EXPIRED). */
  async function fresh(caller: Caller, auth: SessionAuth, force = false): Promise<string> {
    if (!force && auth.accessExpiresAt - EARLY_MS > now()) return auth.accessToken;
    try {
      const tokens = await rotate(caller, auth.refreshToken);
      auth.accessToken = tokens.accessToken;
      auth.refreshToken = tokens.refreshToken;
      auth.accessExpiresAt = now() + tokens.expiresIn * 1000;
      return tokens.accessToken;
    } catch (err) {
      if (err instanceof SessionExpiredError) delete caller.session.auth;
      throw err;
    }
  }

  return { fresh };
}
