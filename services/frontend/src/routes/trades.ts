import { type Request, type Response, Router } from 'express';
import type { FrontendDeps } from '../deps.ts';
import { clock, tradeView } from '../trade-view.ts';
import { authOf, field, flash, gatewayFor, idParam, refusal, refusedWith, requireLogin, say } from './support.ts';

interface TradeForm {
  error?: string | null;
  /** Which form the error belongs to, and what the user had typed there. */
  form?: string;
  values?: Record<string, string>;
  askTotp?: boolean;
}

/** Pages of chat one trade page shows (100 messages each); a longer chat goes on behind a "later messages" link. */
const CHAT_PAGES_PER_VIEW = 10;

/**
 * The trade's chat from the message after `after` (from the first without): every page, oldest
 * first, up to CHAT_PAGES_PER_VIEW; `laterAfter` is where the next view starts, null when this one
 * reached the last message. A moderator deciding a dispute reads the whole conversation this way.
 */
async function readChat(api: ReturnType<typeof gatewayFor>, tradeId: number, after: string | null) {
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
async function profileOf(api: ReturnType<typeof gatewayFor>, username: string | null) {
  if (!username) return null;
  return api.get(`/users/${encodeURIComponent(username)}`, { anonymous: true }).catch(() => null);
}

/** A user's trades, one trade's page, and every action a party may take on it. */
export function tradeRoutes(deps: FrontendDeps) {
  const router = Router();
  router.use('/trades', requireLogin);

  router.get('/trades', async (req, res) => {
    const cursor = typeof req.query.cursor === 'string' && /^\d+$/.test(req.query.cursor) ? `&cursor=${req.query.cursor}` : '';
    // ?open=true: the trades under way (the top bar's "needs your action" link).
    const open = req.query.open === 'true' ? '&open=true' : '';
    const page = await gatewayFor(deps, req).get(`/trades?limit=20${open}${cursor}`);
    res.render('trades', { trades: page.items, nextCursor: page.nextCursor, me: authOf(req).user.id, open: open !== '' });
  });

  router.get('/trades/:id', async (req, res) => renderTrade(req, res, {}));

  const simple: Record<string, string> = { paid: 'flash.markedPaid', cancel: 'flash.tradeCancelled' };
  for (const [action, done] of Object.entries(simple)) {
    router.post(`/trades/:id/${action}`, (req, res) => act(req, res, action, undefined, done));
  }
  router.post('/trades/:id/release', (req, res) => {
    const totp = field(req.body, 'totp');
    return act(req, res, 'release', totp ? { totp } : {}, 'flash.released');
  });
  router.post('/trades/:id/dispute', (req, res) => act(req, res, 'dispute', { reason: field(req.body, 'reason') }, 'flash.disputeOpened'));
  router.post('/trades/:id/payment-details', (req, res) =>
    act(req, res, 'payment-details', { paymentDetails: field(req.body, 'paymentDetails') }, 'flash.paymentDetailsSaved', 'put'),
  );
  router.post('/trades/:id/messages', (req, res) => act(req, res, 'messages', { body: field(req.body, 'body') }, null));
  router.post('/trades/:id/feedback', (req, res) => {
    const comment = field(req.body, 'comment');
    return act(req, res, 'feedback', { rating: field(req.body, 'rating'), ...(comment ? { comment } : {}) }, 'flash.feedbackThanks');
  });

  /** One action through the gateway; on refusal the trade page again, with the message on the form that caused it. */
  async function act(req: Request, res: Response, action: string, body: unknown, done: string | null, method: 'post' | 'put' = 'post') {
    const id = idParam(req);
    try {
      await gatewayFor(deps, req)[method](`/trades/${id}/${action}`, body);
      if (done) flash(req, 'ok', say(req, done));
      res.redirect(`/trades/${id}${action === 'messages' ? '#chat' : ''}`);
    } catch (err) {
      const values = Object.fromEntries(
        Object.entries(req.body ?? {}).filter(([k, v]) => k !== '_csrf' && k !== 'totp' && typeof v === 'string'),
      ) as Record<string, string>;
      const askTotp = action === 'release' && (refusedWith(err, 'TOTP_REQUIRED') || refusedWith(err, 'TOTP_INVALID'));
      await renderTrade(req, res.status(422), { error: refusal(req, err), form: action, values, askTotp });
    }
  }

  async function renderTrade(req: Request, res: Response, form: TradeForm) {
    const api = gatewayFor(deps, req);
    const trade = await api.get(`/trades/${idParam(req)}`);
    const after = typeof req.query.after === 'string' && /^\d{1,19}$/.test(req.query.after) ? req.query.after : null;
    const view = tradeView(trade, authOf(req).user, new Date());
    const [chat, offer, profile] = await Promise.all([
      readChat(api, trade.id, after),
      api.get(`/offers/${trade.offerId}`, { anonymous: true }),
      // A moderator has no counterparty: the page names both parties.
      profileOf(api, view.role === 'moderator' ? null : view.counterparty.username),
    ]);
    res.render('trade', { trade, offer, view, profile, clock, ...chat, after, form: { error: null, values: {}, ...form } });
  }

  return router;
}
