import type { PrismaClient } from '@pupero/shared/db';
import { type SessionData, Store } from 'express-session';

/** How long a session without a persistent cookie ("remember me" off) lives in the store, idle. */
const BROWSER_SESSION_MS = 24 * 3600 * 1000;
/** A touch moves the expiry only when it gains at least this much: not one write per page view. */
const TOUCH_GRANULARITY_MS = 60 * 1000;

type Done = (err?: unknown) => void;

/**
 * express-session's store over the shared Prisma client, table `frontend_sessions`. Written here
 * rather than taken from a package: the Prisma session stores read-then-write on `set`, which two
 * requests of one browser (or two replicas) race into a duplicate key; this one upserts in one
 * statement. Expired rows are never read and are deleted by `prune`.
 */
export class PrismaSessionStore extends Store {
  private pruneTimer: NodeJS.Timeout | undefined;

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
    const expiresAt = expiryOf(session);
    this.prisma.$executeRaw`INSERT INTO frontend_sessions (sid, data, expires_at) VALUES (${sid}, ${data}, ${expiresAt})
      ON DUPLICATE KEY UPDATE data = VALUES(data), expires_at = VALUES(expires_at)`.then(() => done?.(), done);
  }

  override touch(sid: string, session: SessionData, done?: Done) {
    const expiresAt = expiryOf(session);
    const unlessRecent = new Date(expiresAt.getTime() - TOUCH_GRANULARITY_MS);
    this.prisma.frontendSession
      .updateMany({ where: { sid, expiresAt: { lt: unlessRecent } }, data: { expiresAt } })
      .then(() => done?.(), done);
  }

  override destroy(sid: string, done?: Done) {
    this.prisma.frontendSession.deleteMany({ where: { sid } }).then(() => done?.(), done);
  }

  /** Deletes expired sessions; returns how many. */
  async prune(now = new Date()): Promise<number> {
    return (await this.prisma.frontendSession.deleteMany({ where: { expiresAt: { lte: now } } })).count;
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
