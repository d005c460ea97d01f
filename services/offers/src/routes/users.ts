import { userParams, userProfileView } from '@pupero/shared/contracts';
import { AppError } from '@pupero/shared/errors';
import type { Server } from '@pupero/shared/http';
import type { OffersDeps } from '../deps.ts';
import { reputationByUsername } from '../domain/reputation.ts';

/** Public trader profiles: what a counterparty needs to judge an offer, nothing private. */
export function userRoutes(app: Server, deps: OffersDeps) {
  app.get('/users/:username', { schema: { params: userParams, response: { 200: userProfileView } } }, async (request) => {
    const reputation = await reputationByUsername(deps, request.params.username);
    if (!reputation) throw new AppError('NOT_FOUND', 'No such user');
    const { positive, neutral, negative } = reputation;
    return {
      username: reputation.username,
      memberSince: reputation.memberSince.toISOString(),
      tradesCompleted: reputation.tradesCompleted,
      feedback: { positive, neutral, negative },
      medianReleaseMinutes: reputation.medianReleaseMinutes,
    };
  });
}
