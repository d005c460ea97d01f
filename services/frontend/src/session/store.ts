import type { PrismaClient } from '@pupero/shared/db';
import { type SessionData, Store } from 'express-session';

/** How long a session without a persistent cookie ("remember me" off) lives in the store, idle. */
const BROWSER_SESSION_MS = 24 * 3600 * 1000;
/** A touch moves the expiry only when it gains at least this much: not one write per page view. */
/**
 * A destroyed session stays this long as an expired row with no data (a tombstone): a request of
 * the same session still running when the user logged out must not write it back, tokens and all.
 */
const TOMBSTONE_MS = 3600 * 1000;
const TOUCH_GRANULARITY_MS = 60 * 1000;

type Done = (err?: unknown) => void;

/**
 * express-session's store over the shared Prisma client, table `frontend_sessions`. Written here
 * rather than taken from a package: the Prisma session stores read-then-write on `set`, which two
 * requests of one browser (or two replicas) race into a duplicate key; this one upserts in one
 * statement, and never over an expired or destroyed row. Expired rows are never read and are
 * deleted by `prune` an hour after they expired.
 */
export class PrismaSessionStore extends Store {
  private pruneTimer: NodeJS.Timeout | undefined;
  /** What each request's session object held when this store last wrote it. */
  private readonly written = new WeakMap<SessionData, string>();

  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  override get(sid: string, done: (err: unknown, session?: SessionData | null) => void) {
    this.prisma.frontendSession
      .findFirst({ where: { sid, expiresAt: { gt: new Date() } } })
      .then((row) => done(null, row ? (JSON.parse(row.data) as SessionData) : null), done);
  }

  override set(sid: string, session: SessionData, done?: Done) {
    const data = JSON.stringify(session);
    // A request's session written again unchanged is not written: express-session saves a regenerated
    // session once more at the response's end, after the redirect's own save, and that late copy
    // would land over what the next page wrote meanwhile (its form's token).
    const content = contentOf(session);
    if (this.written.get(session) === content) return void done?.();
    const expiresAt = expiryOf(session);
    // MariaDB applies the assignments in order: `data` is decided while expires_at is still the stored one.
    // `now` is this process's clock, written the way every other expiry is (not NOW(3), the server's zone).
    const now = new Date();
    this.prisma.$executeRaw`INSERT INTO frontend_sessions (sid, data, expires_at) VALUES (${sid}, ${data}, ${expiresAt})
      ON DUPLICATE KEY UPDATE data = IF(expires_at > ${now}, VALUES(data), data),
        expires_at = IF(expires_at > ${now}, VALUES(expires_at), expires_at)`.then(() => {
      this.written.set(session, content);
      done?.();
    }, done);
  }

  override touch(sid: string, session: SessionData, done?: Done) {
    const expiresAt = expiryOf(session);
    const unlessRecent = new Date(expiresAt.getTime() - TOUCH_GRANULARITY_MS);
    this.prisma.frontendSession
      .updateMany({ where: { sid, expiresAt: { lt: unlessRecent, gt: new Date() } }, data: { expiresAt } })
      .then(() => done?.(), done);
  }

  override destroy(sid: string, done?: Done) {
    this.prisma.frontendSession.updateMany({ where: { sid }, data: { data: '{}', expiresAt: new Date() } }).then(() => done?.(), done);
  }

  /** Deletes sessions expired (or destroyed) over an hour ago; returns how many. */
  async prune(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - TOMBSTONE_MS);
    return (await this.prisma.frontendSession.deleteMany({ where: { expiresAt: { lte: before } } })).count;
  }

  /** Prunes every `intervalMs` (every replica may; the delete is idempotent) until `stopPruning`. */
  startPruning(intervalMs: number, onError: (err: unknown) => void) {
    this.pruneTimer = setInterval(() => this.prune().catch(onError), intervalMs);
    this.pruneTimer.unref();
  }

  stopPruning() {
    clearInterval(this.pruneTimer);
  }
}

function expiryOf(session: SessionData): Date {
  const expires = session.cookie?.expires;
  return expires ? new Date(expires) : new Date(Date.now() + BROWSER_SESSION_MS);
}

/** A session's data but its cookie (whose expiry moves at every save of a "remember me" session). */
function contentOf(session: SessionData): string {
  const { cookie: _cookie, ...content } = session;
  return JSON.stringify(content);
}
