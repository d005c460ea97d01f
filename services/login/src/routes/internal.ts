import { requireService, type Server } from '@pupero/shared/http';
import { z } from 'zod';
import type { LoginDeps } from '../deps.ts';
import { checkSecondFactorFor } from '../domain/second-factor.ts';

const verifyBody = z.strictObject({
  userId: z.number().int().positive(),
  totp: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  ip: z.string().max(45),
});

/** For other services only (service token; never routed by the gateway). */
export function internalRoutes(app: Server, deps: LoginDeps) {
  const onlyServices = requireService(deps.config.SERVICE_PUBLIC_KEYS, 'login', ['transactions', 'offers']);

  // Money moves (withdrawals, escrow releases) ask for the user's TOTP code when 2FA is on; the
  // secret stays here, and the code is throttled and single-use exactly as at login.
  app.post(
    '/internal/2fa/verify',
    { onRequest: onlyServices, schema: { body: verifyBody, response: { 200: z.object({ required: z.boolean() }) } } },
    async (request) => {
      return checkSecondFactorFor(deps, request.body.userId, request.body.totp, request.body.ip);
    },
  );
}
