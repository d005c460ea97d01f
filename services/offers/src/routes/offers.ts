import {
  createOfferBody,
  myOffersQuery,
  offerListQuery,
  offerListView,
  offerParams,
  offerView,
  updateOfferBody,
} from '@pupero/shared/contracts';
import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import type { OffersDeps } from '../deps.ts';
import { listMyOffers, listOffers } from '../domain/offer-list.ts';
import { closeOffer, createOffer, getOffer, updateOffer } from '../domain/offers.ts';

/** The offer book. Reading it needs no account; changing an offer is for its owner (anyone else gets a 404). */
export function offerRoutes(app: Server, deps: OffersDeps) {
  const authenticate = requireUser(deps.tokens);

  app.get('/offers', { schema: { querystring: offerListQuery, response: { 200: offerListView } } }, async (request) => {
    return listOffers(deps, request.query);
  });

  app.post(
    '/offers',
    { onRequest: authenticate, schema: { body: createOfferBody, response: { 201: offerView } } },
    async (request, reply) => {
      return reply.status(201).send(await createOffer(deps, identityOf(request).userId, request.body));
    },
  );

  app.get('/offers/:id', { schema: { params: offerParams, response: { 200: offerView } } }, async (request) => {
    return getOffer(deps, request.params.id);
  });

  app.patch(
    '/offers/:id',
    { onRequest: authenticate, schema: { params: offerParams, body: updateOfferBody, response: { 200: offerView } } },
    async (request) => {
      return updateOffer(deps, identityOf(request).userId, request.params.id, request.body);
    },
  );

  app.delete('/offers/:id', { onRequest: authenticate, schema: { params: offerParams, response: { 200: offerView } } }, async (request) => {
    return closeOffer(deps, identityOf(request).userId, request.params.id);
  });

  app.get(
    '/me/offers',
    { onRequest: authenticate, schema: { querystring: myOffersQuery, response: { 200: offerListView } } },
    async (request) => {
      return listMyOffers(deps, identityOf(request).userId, request.query);
    },
  );
}
