import type { Request } from 'express';
import type { FrontendDeps } from '../deps.ts';
import { clock, tradeView } from '../trade-view.ts';
import { authOf, gatewayFor, idParam } from './support.ts';

type Gateway = ReturnType<typeof gatewayFor>;

/** Pages of chat one trade page shows (100 messages each); a longer chat goes on behind a "later messages" link. */
const CHAT_PAGES_PER_VIEW = 10;

/** Where the chat of this request starts: `?after=` a message id, or from the first. */
export const chatStart = (req: Request) =>
  typeof req.query.after === 'string' && /^\d{1,19}$/.test(req.query.after) ? req.query.after : null;

/**
 * The trade's chat from the message after `after` (from the first without): every page, oldest
 * first, up to CHAT_PAGES_PER_VIEW; `laterAfter` is where the next view starts, null when this one
 * reached the last message. A moderator deciding a dispute reads the whole conversation this way.
 */
export async function readChat(api: Gateway, tradeId: number, after: string | null) {
  const messages: unknown[] = [];
  let cursor = after;
  for (let page = 0; page < CHAT_PAGES_PER_VIEW; page += 1) {
    const answer = await api.get(`/trades/${tradeId}/messages?limit=100${cursor ? `&after=${cursor}` : ''}`);
    messages.push(...answer.items);
    cursor = answer.nextCursor;
    if (cursor === null) break;
  }
  return { messages, laterAfter: cursor };
}

/** The counterparty's public profile (completed trades, median release time); null without a name or when it cannot be read. */
async function profileOf(api: Gateway, username: string | null) {
  if (!username) return null;
  return api.get(`/users/${encodeURIComponent(username)}`, { anonymous: true }).catch(() => null);
}

/** What the trade page shows of the trade itself (all but the chat): the whole page and its live part both render it. */
export async function tradeLocals(deps: FrontendDeps, req: Request) {
  const api = gatewayFor(deps, req);
  const trade = await api.get(`/trades/${idParam(req)}`);
  const view = tradeView(trade, authOf(req).user, new Date());
  const [offer, profile] = await Promise.all([
    api.get(`/offers/${trade.offerId}`, { anonymous: true }),
    // A moderator has no counterparty: the page names both parties.
    profileOf(api, view.role === 'moderator' ? null : view.counterparty.username),
  ]);
  return { trade, offer, view, profile, clock };
}
