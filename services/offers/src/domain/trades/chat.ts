import { AppError } from '@pupero/shared/errors';
import type { AccessIdentity } from '@pupero/shared/jwt';
import type { PoolConnection } from 'mariadb';
import { clock, type OffersDeps } from '../../deps.ts';
import { withNamedLock } from '../named-lock.ts';
import { visibleTrade } from './records.ts';

interface MessageRow {
  id: bigint;
  authorId: number;
  body: string;
  createdAt: Date;
}

const MINUTE = 60_000;
const COLUMNS = 'id, author_id AS authorId, body, created_at AS createdAt';
const toMessage = (m: MessageRow) => ({ id: String(m.id), authorId: m.authorId, body: m.body, createdAt: m.createdAt.toISOString() });

/** One page of a trade's chat, oldest first, after message `after`: the parties, and moderators once it is disputed. */
export async function listMessages(deps: OffersDeps, tradeId: number, identity: AccessIdentity, page: { after?: string; limit: number }) {
  await visibleTrade(deps, tradeId, identity);
  const rows = (await deps.pool.query(`SELECT ${COLUMNS} FROM trade_messages WHERE trade_id = ? AND id > ? ORDER BY id LIMIT ?`, [
    tradeId,
    BigInt(page.after ?? '0'),
    page.limit + 1,
  ])) as MessageRow[];
  const items = rows.slice(0, page.limit).map(toMessage);
  return { items, nextCursor: rows.length > page.limit ? items[items.length - 1]!.id : null };
}

/**
 * A message from one person in the trade. Each person may post CHAT_MAX_MESSAGES_PER_PARTY in a
 * trade, and CHAT_MESSAGES_PER_MINUTE in any minute: a chat a moderator can read whole. Counted and
 * inserted under that person's lock on the trade, so a burst cannot get past the counts.
 */
export async function postMessage(deps: OffersDeps, tradeId: number, identity: AccessIdentity, body: string) {
  await visibleTrade(deps, tradeId, identity);
  return withNamedLock(deps.pool, `chat.${tradeId}.${identity.userId}`, 5, async (conn) => {
    const now = clock(deps);
    await refuseOverChatLimits(deps, conn, { tradeId, authorId: identity.userId, now });
    const inserted = await conn.query('INSERT INTO trade_messages (trade_id, author_id, body, created_at) VALUES (?, ?, ?, ?)', [
      tradeId,
      identity.userId,
      body,
      now,
    ]);
    const [row] = (await conn.query(`SELECT ${COLUMNS} FROM trade_messages WHERE id = ?`, [inserted.insertId])) as MessageRow[];
    return toMessage(row!);
  });
}

async function refuseOverChatLimits(deps: OffersDeps, conn: PoolConnection, at: { tradeId: number; authorId: number; now: Date }) {
  const { CHAT_MAX_MESSAGES_PER_PARTY: most, CHAT_MESSAGES_PER_MINUTE: perMinute } = deps.config;
  const [count] = (await conn.query('SELECT COUNT(*) AS n FROM trade_messages WHERE trade_id = ? AND author_id = ?', [
    at.tradeId,
    at.authorId,
  ])) as { n: bigint }[];
  if (Number(count?.n ?? 0) >= most) {
    throw new AppError(
      'CONFLICT',
      `You have sent ${most} messages in this trade, the most one person may send in one trade; if something is wrong, open a dispute and a moderator will read the whole chat.`,
    );
  }
  const recent = (await conn.query(
    'SELECT created_at AS createdAt FROM trade_messages WHERE trade_id = ? AND author_id = ? AND created_at > ? ORDER BY id DESC LIMIT ?',
    [at.tradeId, at.authorId, new Date(at.now.getTime() - MINUTE), perMinute],
  )) as { createdAt: Date }[];
  if (recent.length < perMinute) return;
  const until = recent[perMinute - 1]!.createdAt.getTime() + MINUTE;
  throw new AppError('TOO_MANY_REQUESTS', `You can send at most ${perMinute} messages a minute in a trade; wait a moment.`, {
    retryAfterSeconds: Math.max(1, Math.ceil((until - at.now.getTime()) / 1000)),
  });
}
