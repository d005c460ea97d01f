import {
  twoFactorChangeBody,
  twoFactorDisableBody,
  twoFactorEnableBody,
  twoFactorEnrollmentView,
  twoFactorStatusView,
} from '@pupero/shared/contracts';
import { identityOf, requireUser, type Server } from '@pupero/shared/http';
import type { LoginDeps } from '../deps.ts';
import { confirmTwoFactor, disableTwoFactor, startTwoFactor } from '../domain/two-factor.ts';

export function twoFactorRoutes(app: Server, deps: LoginDeps) {
  const authenticate = requireUser(deps.tokens);

  app.post(
    '/2fa/enable',
    { onRequest: authenticate, schema: { body: twoFactorEnableBody, response: { 200: twoFactorEnrollmentView } } },
    async (request) => {
      return startTwoFactor(deps, identityOf(request).userId, request.body.password, request.ip);
    },
  );

  app.post(
    '/2fa/confirm',
    { onRequest: authenticate, schema: { body: twoFactorChangeBody, response: { 200: twoFactorStatusView } } },
    async (request) => {
      const recoveryCodes = await confirmTwoFactor(deps, identityOf(request).userId, request.body, request.ip);
      return { twoFactorEnabled: true, recoveryCodes };
    },
  );

  app.post(
    '/2fa/disable',
    { onRequest: authenticate, schema: { body: twoFactorDisableBody, response: { 200: twoFactorStatusView } } },
    async (request) => {
      await disableTwoFactor(deps, identityOf(request).userId, request.body, request.ip);
      return { twoFactorEnabled: false };
    },
  );
}
