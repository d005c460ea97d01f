import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { createServer, type Server } from './create-server.ts';
import { healthRoute } from './health.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function buildApp(): Server {
  const app = createServer({ logger: false });
  app.get('/offers/missing', async () => {
    throw new AppError('NOT_FOUND', 'Offer 7 does not exist', { offerId: 7 });
  });
  app.get('/conflict', async () => {
    throw new AppError('CONFLICT', 'Already taken');
  });
  app.get('/client-error', async () => {
    throw Object.assign(new Error('upstream wallet rpc at 10.0.0.5 said: bad auth'), { statusCode: 401 });
  });
  app.get('/crash', async () => {
    throw new Error('db password is hunter2');
  });
  const body = z.strictObject({ name: z.string(), amount: z.number() });
  app.post('/offers', { schema: { body } }, async (request) => ({ received: request.body.name }));
  const user = z.object({ id: z.number() });
  app.get('/user', { schema: { response: { 200: user } } }, async () => ({ id: 1, passwordHash: 'x' }));
  return app;
}

describe('the error handler', () => {
  const app = buildApp();
  before(() => app.ready());
  after(() => app.close());

  it('writes an AppError as { statusCode, code, message, details } with its status', async () => {
    const missing = await app.inject({ method: 'GET', url: '/offers/missing' });
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), { statusCode: 404, code: 'NOT_FOUND', message: 'Offer 7 does not exist', details: { offerId: 7 } });
    const conflict = await app.inject({ method: 'GET', url: '/conflict' });
    assert.equal(conflict.statusCode, 409);
    assert.deepEqual(conflict.json(), { statusCode: 409, code: 'CONFLICT', message: 'Already taken' });
  });

  it('masks an unexpected error as a 500 that does not reveal its message', async () => {
    const response = await app.inject({ method: 'GET', url: '/crash' });
    assert.equal(response.statusCode, 500);
    assert.deepEqual(response.json(), { statusCode: 500, code: 'INTERNAL', message: 'Internal server error' });
    assert.doesNotMatch(response.body, /hunter2|password/);
  });

  it('masks an error of ours that merely carries a 4xx statusCode (only Fastify errors pass through)', async () => {
    const response = await app.inject({ method: 'GET', url: '/client-error' });
    assert.equal(response.statusCode, 500);
    assert.doesNotMatch(response.body, /10\.0\.0\.5/);
  });

  it('refuses an unknown field with VALIDATION_FAILED, naming the field', async () => {
    const response = await app.inject({ method: 'POST', url: '/offers', payload: { name: 'a', amount: 1, isAdmin: true } });
    assert.equal(response.statusCode, 400);
    const { statusCode, code, message, details } = response.json();
    assert.deepEqual({ statusCode, code, message }, { statusCode: 400, code: 'VALIDATION_FAILED', message: 'The request is invalid' });
    assert.equal(details.length, 1);
    assert.equal(details[0].path, 'body');
    assert.match(details[0].message, /isAdmin/);
  });

  it('refuses a wrong type with VALIDATION_FAILED, pointing at the field', async () => {
    const response = await app.inject({ method: 'POST', url: '/offers', payload: { name: 'a', amount: '1' } });
    assert.equal(response.statusCode, 400);
    const { code, details } = response.json();
    assert.equal(code, 'VALIDATION_FAILED');
    assert.deepEqual(
      details.map((d: { path: string }) => d.path),
      ['body.amount'],
    );
  });

  it('accepts a body that fits the schema', async () => {
    const response = await app.inject({ method: 'POST', url: '/offers', payload: { name: 'a', amount: 1 } });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { received: 'a' });
  });

  it('answers invalid JSON with a 400 in the same shape', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/offers',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":',
    });
    assert.equal(response.statusCode, 400);
    const error = response.json();
    assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'statusCode']);
    assert.equal(error.statusCode, 400);
    assert.equal(error.code, 'BAD_REQUEST');
  });

  it('answers an unknown route with 404 NOT_FOUND', async () => {
    const response = await app.inject({ method: 'GET', url: '/nowhere?x=1' });
    assert.equal(response.statusCode, 404);
    assert.deepEqual(response.json(), { statusCode: 404, code: 'NOT_FOUND', message: 'Route GET /nowhere not found' });
  });

  it('strips fields the response schema does not declare', async () => {
    const response = await app.inject({ method: 'GET', url: '/user' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { id: 1 });
    assert.doesNotMatch(response.body, /passwordHash/);
  });
});

describe('the x-request-id header', () => {
  const app = buildApp();
  before(() => app.ready());
  after(() => app.close());

  const requestIdFor = async (incoming?: string) => {
    const headers = incoming === undefined ? {} : { 'x-request-id': incoming };
    return (await app.inject({ method: 'GET', url: '/conflict', headers })).headers['x-request-id'];
  };

  it('echoes a well-formed incoming id', async () => {
    assert.equal(await requestIdFor('abc-12345678'), 'abc-12345678');
  });

  it('replaces a missing or malformed id with a fresh UUID', async () => {
    for (const incoming of [undefined, 'abc 12345678', 'a'.repeat(500), 'short']) {
      const id = await requestIdFor(incoming);
      assert.match(String(id), UUID, `replaces ${String(incoming).slice(0, 20)}`);
    }
  });
});

describe('healthRoute', () => {
  async function healthOf(checks: Parameters<typeof healthRoute>[1], timeoutMs?: number) {
    const app = createServer({ logger: false });
    healthRoute(app, checks, timeoutMs);
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    await app.close();
    return response;
  }

  it('answers 200 when every check resolves', async () => {
    const response = await healthOf({ database: async () => 1, broker: async () => true });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok', checks: { database: 'ok', broker: 'ok' } });
  });

  it('answers 503 naming the check that rejects as down', async () => {
    const response = await healthOf({ database: async () => 1, broker: () => Promise.reject(new Error('closed')) });
    assert.equal(response.statusCode, 503);
    assert.deepEqual(response.json(), { status: 'degraded', checks: { database: 'ok', broker: 'down' } });
  });

  it('counts a check that throws synchronously as down, not as a 500', async () => {
    const response = await healthOf({
      broker: () => {
        throw new Error('not connected');
      },
    });
    assert.equal(response.statusCode, 503);
    assert.deepEqual(response.json(), { status: 'degraded', checks: { broker: 'down' } });
  });

  it('counts a check that never answers as down once the timeout passes', async () => {
    const response = await healthOf({ database: () => new Promise(() => {}) }, 20);
    assert.equal(response.statusCode, 503);
    assert.deepEqual(response.json(), { status: 'degraded', checks: { database: 'down' } });
  });
});
