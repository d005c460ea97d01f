import { fallbackPriceBody, fallbackPriceView, marketPriceView, priceParams } from '@pupero/shared/contracts';
import { formatFiat } from '@pupero/shared/fiat';
import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import type { OffersDeps } from '../deps.ts';
import { setFallbackPrice } from '../domain/prices.ts';

export function priceRoutes(app: Server, deps: OffersDeps) {
  const adminsOnly = requireUser(deps.tokens, ['admin']);

  app.get('/prices/:fiatCurrency', { schema: { params: priceParams, response: { 200: marketPriceView } } }, async (request) => {
    const { fiatCurrency } = request.params;
    const quote = await deps.prices.quote(fiatCurrency);
    return { fiatCurrency, price: formatFiat(quote.price), source: quote.source };
  });

  // The price used while no feed answers; audited, as every admin action is.
  app.put(
    '/admin/prices/:fiatCurrency',
    { onRequest: adminsOnly, schema: { params: priceParams, body: fallbackPriceBody, response: { 200: fallbackPriceView } } },
    async (request) => {
      const { fiatCurrency } = request.params;
      const { price } = request.body;
      const saved = await setFallbackPrice(deps.pool, { fiatCurrency, price, actorId: identityOf(request).userId, ip: request.ip });
      return { fiatCurrency, price: formatFiat(price), updatedAt: saved.updatedAt.toISOString() };
    },
  );
}
