import { type Request, type Response, Router } from 'express';
import { GatewayError } from '../api-client/errors.ts';
import type { FrontendDeps } from '../deps.ts';
import { authOf, field, flash, gatewayFor, idParam, refusal, refusedWith, requireLogin, say } from './support.ts';
import { chatStart, readChat, tradeLocals } from './trade-page.ts';

interface TradeForm {
  error?: string | null;
  /** Which form the error belongs to, and what the user had typed there. */
  form?: string;
  values?: Record<string, string>;
  askTotp?: boolean;
}

/** Refusals of a trade rule that the offers service names by `details.reason`: each has its own sentence. */
const reasonSentences: Record<string, string> = {
  'payment-details-missing': 'errors.paymentDetailsMissing',
  'escrow-not-held': 'errors.escrowNotHeld',
};

function tradeRefusal(req: Request, err: unknown): string {
  const reason = err instanceof GatewayError ? (err.details as { reason?: unknown } | undefined)?.reason : undefined;
  const key = typeof reason === 'string' ? reasonSentences[reason] : undefined;
  return key ? say(req, key) : refusal(req, err);
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
    // The first page follows new trades by itself (partials/trade-list.ejs, from routes/live.ts).
    const liveUrl = cursor ? null : `/live/trades${open ? '?open=true' : ''}`;
    res.render('trades', { trades: page.items, nextCursor: page.nextCursor, me: authOf(req).user.id, open: open !== '', liveUrl });
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
      await renderTrade(req, res.status(422), { error: tradeRefusal(req, err), form: action, values, askTotp });
    }
  }

  async function renderTrade(req: Request, res: Response, form: TradeForm) {
    const after = chatStart(req);
    const [page, chat] = await Promise.all([tradeLocals(deps, req), readChat(gatewayFor(deps, req), idParam(req), after)]);
    res.render('trade', { ...page, ...chat, after, form: { error: null, values: {}, ...form } });
  }

  return router;
}
