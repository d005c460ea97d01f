import { type Request, type Response, Router } from 'express';
import type { FrontendDeps } from '../deps.ts';
import { authOf, field, flash, gatewayFor, idParam, refusal, refusedWith, refuseTo, requireLogin, say, takeRefused } from './support.ts';
import { chatStart, readChat, tradeLocals } from './trade-page.ts';

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

  // A refused action comes back here (post/redirect/get) with its sentence, on the form that caused it.
  router.get('/trades/:id', async (req, res) => {
    const { refused, error } = takeRefused(req);
    const { askTotp, ...values } = refused?.values ?? {};
    const after = chatStart(req);
    const [page, chat] = await Promise.all([tradeLocals(deps, req), readChat(gatewayFor(deps, req), idParam(req), after)]);
    res.render('trade', { ...page, ...chat, after, form: { error, form: refused?.form, values, askTotp: askTotp === true } });
  });

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

  /** One action through the gateway; on refusal back to the trade page, with the message on the form that caused it. */
  async function act(req: Request, res: Response, action: string, body: unknown, done: string | null, method: 'post' | 'put' = 'post') {
    const id = idParam(req);
    const page = `/trades/${id}${action === 'messages' ? '#chat' : ''}`;
    try {
      await gatewayFor(deps, req)[method](`/trades/${id}/${action}`, body);
      if (done) flash(req, 'ok', say(req, done));
      res.redirect(page);
    } catch (err) {
      const error = refusal(req, err);
      // What was typed, never the two-factor code.
      const values = Object.fromEntries(
        Object.entries(req.body ?? {}).filter(([k, v]) => k !== '_csrf' && k !== 'totp' && typeof v === 'string'),
      );
      const askTotp = action === 'release' && (refusedWith(err, 'TOTP_REQUIRED') || refusedWith(err, 'TOTP_INVALID'));
      refuseTo(req, res, page, { form: action, error, values: { ...values, askTotp } });
    }
  }

  return router;
}
