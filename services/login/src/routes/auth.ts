import { loginBody, loginView, refreshBody, registerBody, tokensView, userView } from '@pupero/shared/contracts';
import type { Server } from '@pupero/shared/http';
import { z } from 'zod';
import type { LoginDeps } from '../deps.ts';
import { logIn } from '../domain/login.ts';
import { endSession, rotateRefreshToken } from '../domain/sessions.ts';
import { register } from '../domain/users.ts';

export function authRoutes(app: Server, deps: LoginDeps) {
  app.post('/register', { schema: { body: registerBody, response: { 201: userView } } }, async (request, reply) => {
    return reply.status(201).send(await register(deps, request.body, request.ip));
  });

  app.post('/login', { schema: { body: loginBody, response: { 200: loginView } } }, async (request) => {
    return logIn(deps, request.body, request.ip);
  });

  app.post('/token/refresh', { schema: { body: refreshBody, response: { 200: tokensView } } }, async (request) => {
    return rotateRefreshToken(deps, request.body.refreshToken, request.ip);
  });

  app.post('/logout', { schema: { body: refreshBody, response: { 204: z.undefined() } } }, async (request, reply) => {
    await endSession(deps, request.body.refreshToken);
    return reply.status(204).send();
  });
}
