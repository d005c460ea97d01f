import { OFFER_PAGE_MAX } from '@pupero/shared/contracts';
import { type Request, type Response, Router } from 'express';
import { GatewayError } from '../api-client/errors.ts';
import type { FrontendDeps } from '../deps.ts';
import { type OfferFormValues, offerBody, offerFormValues, offerToForm } from '../offer-form.ts';
import { field, flash, gatewayFor, idParam, refusal, refusedFields, refuseTo, requireLogin, say, takeRefused } from './support.ts';

const blankOffer: OfferFormValues = {
  side: 'SELL',
  fiatCurrency: 'EUR',
  paymentMethods: [],
  otherMethod: '',
  priceType: 'FIXED',
  fixedPrice: '',
  marginPercent: '',
  minAmount: '',
  maxAmount: '',
  paymentWindowMinutes: '60',
  terms: '',
  minTakerCompletedTrades: '0',
  paymentDetails: '',
};

/** The user's own offers: list, create, edit, pause or resume, close. */
export function myOfferRoutes(deps: FrontendDeps) {
  const router = Router();
  router.use('/my', requireLogin);

  router.get('/my/offers', async (req, res) => {
    const page = await gatewayFor(deps, req).get('/me/offers?limit=50');
    res.render('my-offers', { offers: page.items });
  });

  // A refused form comes back to its page (post/redirect/get) with the values as typed.
  router.get('/my/offers/new', (req, res) => {
    const form = takeRefused(req);
    res.render('offer-form', { offerId: null, values: form.refused?.values ?? blankOffer, ...form });
  });
  router.post('/my/offers', async (req, res) => {
    const values = offerFormValues(req.body);
    try {
      const offer = await gatewayFor(deps, req).post('/offers', offerBody(values, false));
      flash(req, 'ok', say(req, 'flash.offerLive', { id: offer.id }));
      res.redirect('/my/offers');
    } catch (err) {
      refuseTo(req, res, '/my/offers/new', { error: refusal(req, err), fields: refusedFields(err), values: { ...values } });
    }
  });

  router.get('/my/offers/:id/edit', async (req, res) => {
    const offer = await ownOffer(req);
    const form = takeRefused(req);
    res.render('offer-form', { offerId: offer.id, values: form.refused?.values ?? offerToForm(offer), ...form });
  });
  router.post('/my/offers/:id', async (req, res) => {
    const values = offerFormValues(req.body);
    const id = idParam(req);
    try {
      await gatewayFor(deps, req).patch(`/offers/${id}`, offerBody(values, true));
      flash(req, 'ok', say(req, 'flash.offerUpdated', { id }));
      res.redirect('/my/offers');
    } catch (err) {
      const error = refusal(req, err);
      refuseTo(req, res, `/my/offers/${id}/edit`, { error, fields: refusedFields(err), values: { ...values } });
    }
  });

  router.post('/my/offers/:id/status', (req, res) => {
    const status = field(req.body, 'status') === 'PAUSED' ? 'PAUSED' : 'ACTIVE';
    return change(
      req,
      res,
      (id) => gatewayFor(deps, req).patch(`/offers/${id}`, { status }),
      status === 'PAUSED' ? 'flash.offerPaused' : 'flash.offerResumed',
    );
  });
  router.post('/my/offers/:id/close', (req, res) =>
    change(req, res, (id) => gatewayFor(deps, req).delete(`/offers/${id}`), 'flash.offerClosed'),
  );

  async function change(req: Request, res: Response, run: (id: number) => Promise<unknown>, done: string) {
    const id = idParam(req);
    try {
      await run(id);
      flash(req, 'ok', say(req, done, { id }));
    } catch (err) {
      flash(req, 'error', refusal(req, err));
    }
    res.redirect('/my/offers');
  }

  /**
   * The offer, if it is the caller's: another's is "not found", as the gateway says for changes.
   * Only the owner's own list holds its payment details, so it is looked up there.
   */
  async function ownOffer(req: Request) {
    const id = idParam(req);
    const api = gatewayFor(deps, req);
    let cursor = '';
    do {
      const page = await api.get(`/me/offers?limit=${OFFER_PAGE_MAX}${cursor}`);
      const offer = page.items.find((o: { id: number }) => o.id === id);
      if (offer) return offer;
      cursor = page.nextCursor ? `&cursor=${page.nextCursor}` : '';
    } while (cursor);
    throw new GatewayError(404, 'NOT_FOUND', 'There is no such offer of yours.');
  }

  return router;
}
