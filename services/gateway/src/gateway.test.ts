import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { loadConfig } from '@pupero/shared/config';
import { signAccessToken, tokenSettingsFrom } from '@pupero/shared/jwt';
import { jsonClient, testKeys } from '@pupero/shared/testing';
import { newAccount, startStack } from '@pupero/test-stack/gateway';
import { buildApp } from './app.ts';
import { configSchema } from './config.ts';

describe('gateway', () => {
  it('reports the core services in /healthz: 200 while login is up, 503 naming it when it is down', async () => {
    const stack = await startStack();
    const up = await stack.api('GET', '/healthz');
    assert.equal(up.status, 200);
    assert.deepEqual(up.body, { status: 'ok', checks: { login: 'ok' } });
    await stack.login.close();
    const down = await stack.api('GET', '/healthz');
    assert.equal(down.status, 503);
    assert.deepEqual(down.body, { status: 'degraded', checks: { login: 'down' } });
    const proxied = await stack.api('POST', '/auth/login', { body: { identifier: 'a', password: 'b' } });
    assert.ok(proxied.status === 502 || proxied.status === 503, String(proxied.status));
    assert.equal(proxied.body.statusCode, proxied.status, 'an unreachable service still answers in the common shape');
    await stack.gateway.close();
  });

  it('limits credential paths per client more tightly than the rest, with 429 in the common shape', async () => {
    const stack = await startStack({ gatewayEnv: { AUTH_RATE_LIMIT_MAX: '3', RATE_LIMIT_MAX: '50' } });
    after(() => stack.close());
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await stack.api('POST', '/auth/register', { body: newAccount('rl') })).status);
    assert.deepEqual(statuses, [201, 201, 201, 429]);
    const limited = await stack.api('POST', '/auth/login', { body: { identifier: 'a', password: 'b' } });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, 'TOO_MANY_REQUESTS');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.equal((await stack.api('GET', '/healthz')).status, 200, 'other paths have their own budget');
  });

  it('counts /auth/me changes and 2FA steps as credential requests, but not GET /auth/me', async () => {
    const stack = await startStack({ gatewayEnv: { AUTH_RATE_LIMIT_MAX: '4', RATE_LIMIT_MAX: '50', RATE_LIMIT_WINDOW_SECONDS: '60' } });
    after(() => stack.close());
    const account = newAccount('cr');
    await stack.api('POST', '/auth/register', { body: account });
    const token = (await stack.api('POST', '/auth/login', { body: { identifier: account.username, password: account.password } })).body
      .accessToken;
    const change = await stack.api('PUT', '/auth/me', { token, body: { currentPassword: 'not it', username: 'renamed_cr' } });
    assert.equal(change.status, 401);
    assert.equal((await stack.api('POST', '/auth/2fa/enable', { token, body: { password: 'not it' } })).status, 401);
    const limited = await stack.api('DELETE', '/auth/me', { token, body: { password: account.password } });
    assert.equal(limited.status, 429, 'the fifth credential request of the minute');
    const wait = Number(limited.headers.get('retry-after'));
    assert.ok(wait > 0 && wait <= 60, `Retry-After: ${wait}`);
    assert.equal(limited.body.details.retryAfterSeconds, wait);
    assert.equal((await stack.api('POST', '/auth/2fa/disable', { token, body: { password: 'x', totp: '123456' } })).status, 429);
    for (let i = 0; i < 5; i += 1) assert.equal((await stack.api('GET', '/auth/me', { token })).status, 200, 'reading /auth/me is not');
  });

  it('forwards the request id and the client address, and drops headers a client must not set', async () => {
    // An HTTP peer that shows what the gateway sends upstream: the login service would not echo it.
    const seen: http.IncomingHttpHeaders[] = [];
    const upstream = http.createServer((req, res) => {
      seen.push(req.headers);
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const keys = testKeys();
    const config = loadConfig(configSchema, {
      LOGIN_SERVICE_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      ...keys.env('gateway'),
      LOG_LEVEL: 'silent',
    });
    const gateway = await buildApp({ config, tokens: tokenSettingsFrom(config) }, { logger: false });
    await gateway.listen({ host: '127.0.0.1', port: 0 });
    after(async () => {
      await gateway.close();
      upstream.close();
    });
    const api = jsonClient(`http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`);
    const token = signAccessToken(keys.issuer, { userId: 7, username: 'seven', role: 'user', version: 0 }, 60);
    const res = await api('GET', '/auth/me', {
      token,
      headers: { 'x-request-id': 'client-request-0001', 'x-forwarded-for': '6.6.6.6', 'x-service-token': 'forged' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-request-id'), 'client-request-0001');
    const [headers] = seen;
    assert.equal(headers?.['x-request-id'], 'client-request-0001');
    assert.equal(headers?.['x-forwarded-for'], '127.0.0.1', 'a client cannot choose the address the services see');
    assert.equal(headers?.['x-service-token'], undefined);
    assert.equal(headers?.authorization, `Bearer ${token}`);
  });

  it('refuses a chunked body of unknown length with 411 before proxying it', async () => {
    const stack = await startStack();
    after(() => stack.close());
    const { port } = new URL(stack.gatewayUrl);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: '/auth/login', headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('{"identifier":');
      req.end('"a","password":"b"}');
    });
    assert.equal(status, 411);
  });
});
