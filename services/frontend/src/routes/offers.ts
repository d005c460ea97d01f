import { fiatCurrencies, paymentMethods } from '@pupero/shared/contracts';
import { type Request, type Response, Router } from 'express';
import type { FrontendDeps } from '../deps.ts';
import { decimalField, field, gatewayFor, idParam, refusal, requireLogin } from './support.ts';

const oneOf = <T extends string>(list: readonly T[], value: unknown): T | undefined =>
  list.includes(value as T) ? (value as T) : undefined;

/** The offer book (home), an offer's page and opening a trade on it. */
export function offerRoutes(deps: FrontendDeps) {
  const router = Router();

  router.get('/', async (req, res) => {
    // "Buy XMR" lists the offers of people who sell it, and the other way round.
    const side = req.query.side === 'BUY' ? 'BUY' : 'SELL';
    const filters = {
      fiatCurrency: oneOf(fiatCurrencies, req.query.currency),
      paymentMethod: oneOf(paymentMethods, req.query.method),
    };
    const query = new URLSearchParams({ side, limit: '20' });
    if (filters.fiatCurrency) query.set('fiatCurrency', filters.fiatCurrency);
    if (filters.paymentMethod) query.set('paymentMethod', filters.paymentMethod);
    if (typeof req.query.cursor === 'string') query.set('cursor', req.query.cursor);
    let page: { items: unknown[]; nextCursor: string | null } = { items: [], nextCursor: null };
    let error: string | null = null;
    try {
      page = await gatewayFor(deps, req).get(`/offers?${query}`, { anonymous: true });
    } catch (err) {
      error = refusal(req, err);
    }
    const nextQuery = page.nextCursor ? withParam(req, 'cursor', page.nextCursor) : null;
    res.render('home', { side, filters, offers: page.items, nextQuery, error });
  });

  router.get('/offers/:id', async (req, res) => renderOffer(req, res, { values: {}, error: null }));

  router.post('/offers/:id/trades', requireLogin, async (req, res) => {
    const values = { amount: field(req.body, 'amount'), paymentMethod: field(req.body, 'paymentMethod') };
    // On a BUY offer the taker sells, and says where the buyer pays them.
    const paymentDetails = field(req.body, 'paymentDetails');
    try {
      const trade = await gatewayFor(deps, req).post(`/offers/${idParam(req)}/trades`, {
        ...values,
        amount: decimalField(req.body, 'amount'),
        ...(paymentDetails ? { paymentDetails } : {}),
      });
      res.redirect(`/trades/${trade.id}`);
    } catch (err) {
      await renderOffer(req, res.status(422), { values: { ...values, paymentDetails }, error: refusal(req, err) });
    }
  });

  async function renderOffer(req: Request, res: Response, form: { values: Record<string, string>; error: string | null }) {
    const offer = await gatewayFor(deps, req).get(`/offers/${idParam(req)}`, { anonymous: true });
    res.render('offer', { offer, ...form });
  }

  return router;
}

function withParam(req: Request, name: string, value: string): string {
  const params = new URLSearchParams();
  for (const [key, v] of Object.entries(req.query)) if (typeof v === 'string' && key !== name) params.set(key, v);
  params.set(name, value);
  return params.toString();
}
