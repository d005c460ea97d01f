import type { AccessIdentity } from './jwt.ts';

/** How long a service believes a token version it read: revocation reaches it within this time. */
export const TOKEN_VERSION_CACHE_MS = 500;
const MAX_CACHED_USERS = 50_000;

/**
 * `TokenSettings.isCurrent` over login's `token_versions` table (read-only for the other services):
 * a token is current while its version is the user's; no row means the account is gone.
 */
export function tokenVersionCheck(
  readVersion: (userId: number) => Promise<number | undefined>,
  ttlMs = TOKEN_VERSION_CACHE_MS,
): (identity: AccessIdentity) => Promise<boolean> {
  const cache = new Map<number, { version: number | undefined; until: number }>();
  return async (identity) => {
    const now = Date.now();
    let entry = cache.get(identity.userId);
    if (!entry || entry.until <= now) {
      if (cache.size >= MAX_CACHED_USERS) cache.clear();
      entry = { version: await readVersion(identity.userId), until: now + ttlMs };
      cache.set(identity.userId, entry);
    }
    return entry.version === identity.version;
  };
}

/** The reader for services on the mariadb driver's pool. */
export function tokenVersionReader(db: { query(sql: string, values?: unknown[]): Promise<unknown> }) {
  return async (userId: number): Promise<number | undefined> => {
    const [row] = (await db.query('SELECT version FROM token_versions WHERE user_id = ?', [userId])) as { version: number }[];
    return row === undefined ? undefined : Number(row.version);
  };
}
