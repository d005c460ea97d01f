import { type Request, Router } from 'express';
import type { FrontendDeps } from '../deps.ts';
import { bookFilters, bookLink, fiatRange } from './offer-book.ts';
import { decimalField, field, gatewayFor, idParam, refusal, refusedFields, refuseTo, requireLogin, takeRefused } from './support.ts';

/** The offer book (home), an offer's page and opening a trade on it. */
export function offerRoutes(deps: FrontendDeps) {
  const router = Router();

  router.get('/', async (req, res) => {
    const filters = bookFilters(req);
    const query = filters.apiQuery;
    if (typeof req.query.cursor === 'string') query.set('cursor', req.query.cursor);
    let page: { items: { price: string | null; minAmount: string; maxAmount: string }[]; nextCursor: string | null } = {
      items: [],
      nextCursor: null,
    };
    let error = filters.error;
    try {
      page = await gatewayFor(deps, req).get(`/offers?${query}`, { anonymous: true });
    } catch (err) {
      error = refusal(req, err);
    }
    const offers = page.items.map((offer) => ({ ...offer, fiatRange: fiatRange(offer) }));
    const nextQuery = page.nextCursor ? withParam(req, 'cursor', page.nextCursor) : null;
    res.render('home', {
      side: filters.side,
      filters,
      tabs: { SELL: bookLink(filters, 'SELL'), BUY: bookLink(filters, 'BUY') },
      offers,
      nextQuery,
      error,
    });
  });

  // A refused trade comes back here (post/redirect/get) with the values as typed.
  router.get('/offers/:id', async (req, res) => {
    const form = takeRefused(req);
    const offer = await gatewayFor(deps, req).get(`/offers/${idParam(req)}`, { anonymous: true });
    res.render('offer', { offer, values: form.refused?.values ?? {}, ...form });
  });

  router.post('/offers/:id/trades', requireLogin, async (req, res) => {
    const id = idParam(req);
    const values = { amount: field(req.body, 'amount'), paymentMethod: field(req.body, 'paymentMethod') };
    // On a BUY offer the taker sells, and says where the buyer pays them.
    const paymentDetails = field(req.body, 'paymentDetails');
    try {
      const trade = await gatewayFor(deps, req).post(`/offers/${id}/trades`, {
        ...values,
        amount: decimalField(req.body, 'amount'),
        ...(paymentDetails ? { paymentDetails } : {}),
      });
      res.redirect(`/trades/${trade.id}`);
    } catch (err) {
      const error = refusal(req, err);
      refuseTo(req, res, `/offers/${id}`, { error, fields: refusedFields(err), values: { ...values, paymentDetails } });
    }
  });

  return router;
}

function withParam(req: Request, name: string, value: string): string {
  const params = new URLSearchParams();
  for (const [key, v] of Object.entries(req.query)) if (typeof v === 'string' && key !== name) params.set(key, v);
  params.set(name, value);
  return params.toString();
}
