import type { OffersDeps } from '../deps.ts';

export interface Reputation {
  username: string;
  memberSince: Date;
  /** Trades that reached COMPLETED, as buyer or as seller (a dispute resolved by a moderator does not count). */
  tradesCompleted: number;
  positive: number;
  neutral: number;
  negative: number;
  /** Median of completed_at − paid_at over the user's completed sales, in minutes; null without any. */
  medianReleaseMinutes: number | null;
}

type CountRow = { userId: number; n: bigint };
export type TradeSummary = Omit<Reputation, 'medianReleaseMinutes'>;

/**
 * What an offer shows of its owner, for several users at once (one per owner on a page): three
 * grouped queries, whatever the number of users. Users that do not exist are absent from the map.
 */
export async function tradeSummaries(deps: Pick<OffersDeps, 'pool'>, userIds: readonly number[]): Promise<Map<number, TradeSummary>> {
  const ids = [...new Set(userIds)];
  const result = new Map<number, TradeSummary>();
  if (ids.length === 0) return result;
  const [users, completed, feedback] = await Promise.all([
    deps.pool.query('SELECT id, username, created_at AS createdAt FROM users WHERE id IN (?)', [ids]) as Promise<
      { id: number; username: string; createdAt: Date }[]
    >,
    // Two index ranges (as buyer, as seller) rather than one OR that would scan.
    deps.pool.query(
      `SELECT userId, COUNT(*) AS n FROM (
         SELECT buyer_id AS userId FROM trades WHERE buyer_id IN (?) AND state = 'COMPLETED'
         UNION ALL
         SELECT seller_id FROM trades WHERE seller_id IN (?) AND state = 'COMPLETED') t
       GROUP BY userId`,
      [ids, ids],
    ) as Promise<CountRow[]>,
    deps.pool.query(
      'SELECT to_user_id AS userId, rating, COUNT(*) AS n FROM feedback WHERE to_user_id IN (?) GROUP BY to_user_id, rating',
      [ids],
    ) as Promise<(CountRow & { rating: 'POSITIVE' | 'NEUTRAL' | 'NEGATIVE' })[]>,
  ]);
  for (const user of users) {
    result.set(user.id, { username: user.username, memberSince: user.createdAt, tradesCompleted: 0, positive: 0, neutral: 0, negative: 0 });
  }
  for (const row of completed) {
    const entry = result.get(row.userId);
    if (entry) entry.tradesCompleted = Number(row.n);
  }
  for (const row of feedback) {
    const entry = result.get(row.userId);
    if (entry) entry[row.rating === 'POSITIVE' ? 'positive' : row.rating === 'NEUTRAL' ? 'neutral' : 'negative'] = Number(row.n);
  }
  return result;
}

/** The full reputation (the summary and the median release time) of several users at once. */
export async function reputationOf(deps: Pick<OffersDeps, 'pool'>, userIds: readonly number[]): Promise<Map<number, Reputation>> {
  const [summaries, medians] = await Promise.all([tradeSummaries(deps, userIds), medianReleaseMinutes(deps, userIds)]);
  return new Map([...summaries].map(([id, summary]) => [id, { ...summary, medianReleaseMinutes: medians.get(id) ?? null }]));
}

/** Per seller, the median of completed_at − paid_at over their completed sales, in minutes with one decimal. */
async function medianReleaseMinutes(deps: Pick<OffersDeps, 'pool'>, userIds: readonly number[]): Promise<Map<number, number>> {
  if (userIds.length === 0) return new Map();
  // MEDIAN is MariaDB's PERCENTILE_CONT(0.5): the mean of the two middle values for an even count.
  const rows = (await deps.pool.query(
    `SELECT DISTINCT seller_id AS userId,
            CAST(MEDIAN(TIMESTAMPDIFF(SECOND, paid_at, completed_at)) OVER (PARTITION BY seller_id) AS CHAR) AS seconds
       FROM trades WHERE seller_id IN (?) AND state = 'COMPLETED' AND paid_at IS NOT NULL AND completed_at IS NOT NULL`,
    [[...new Set(userIds)]],
  )) as { userId: number; seconds: string }[];
  // A duration, not money: a float is fine here.
  return new Map(rows.map((row) => [row.userId, Math.round(Number(row.seconds) / 6) / 10]));
}

/** One user's reputation by username, or undefined for an unknown user. */
export async function reputationByUsername(deps: Pick<OffersDeps, 'pool'>, username: string): Promise<Reputation | undefined> {
  const [user] = (await deps.pool.query('SELECT id FROM users WHERE username = ?', [username])) as { id: number }[];
  return user ? (await reputationOf(deps, [user.id])).get(user.id) : undefined;
}

/** How many trades one user completed, as buyer or as seller: what an offer's minimum reputation and the new-taker ceiling look at. */
export async function completedTradeCount(deps: Pick<OffersDeps, 'pool'>, userId: number): Promise<number> {
  const [row] = (await deps.pool.query(
    `SELECT (SELECT COUNT(*) FROM trades WHERE buyer_id = ? AND state = 'COMPLETED')
          + (SELECT COUNT(*) FROM trades WHERE seller_id = ? AND state = 'COMPLETED') AS n`,
    [userId, userId],
  )) as { n: bigint | number }[];
  return Number(row?.n ?? 0);
}
