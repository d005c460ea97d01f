import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '@pupero/shared/config';
import type { Server } from '@pupero/shared/http';
import { tokenSettingsFrom } from '@pupero/shared/jwt';
import { createServiceTokenSigner } from '@pupero/shared/service-token';
import { type JsonClient, jsonClient, testKeys } from '@pupero/shared/testing';
import { buildApp } from './app.ts';
import { CLIENT_ADDRESS_HEADER } from './client-address.ts';
import { configSchema } from './config.ts';

/**
 * The frontend calls the gateway for every browser; it may tell the gateway the browser's address,
 * and the gateway believes it only next to the frontend's service token. An HTTP peer stands in for
 * login here, because it shows what the gateway forwards (login would not echo its headers).
 */
describe('the client address a frontend vouches for', () => {
  const seen: http.IncomingHttpHeaders[] = [];
  const upstream = http.createServer((req, res) => {
    seen.push(req.headers);
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
  const keys = testKeys();
  const frontendKey = keys.signingKey('frontend');
  const frontendToken = createServiceTokenSigner(frontendKey, 'frontend')('gateway');
  let gateway: Server;
  let api: JsonClient;

  const startGateway = async (env: Record<string, string>) => {
    const config = loadConfig(configSchema, {
      LOGIN_SERVICE_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      ACCESS_TOKEN_PUBLIC_KEYS: keys.ring.accessToken.publicKey,
      LOG_LEVEL: 'silent',
      ...env,
    });
    const app = await buildApp({ config, tokens: tokenSettingsFrom(config) }, { logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    return { app, api: jsonClient(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`) };
  };
  /** What login would see as the client for one call to a public login route. */
  const forwardedFor = async (client: JsonClient, headers: Record<string, string>) => {
    seen.length = 0;
    const res = await client('POST', '/auth/logout', { body: { refreshToken: 'x' }, headers });
    assert.equal(res.status, 200);
    return seen[0];
  };

  before(async () => {
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    ({ app: gateway, api } = await startGateway({ ...keys.env('gateway'), AUTH_RATE_LIMIT_MAX: '2' }));
  });
  after(async () => {
    await gateway.close();
    upstream.close();
  });

  it('forwards the address the frontend gives, with its token, and neither header', async () => {
    const headers = await forwardedFor(api, { 'x-service-token': frontendToken, [CLIENT_ADDRESS_HEADER]: '203.0.113.7' });
    assert.equal(headers?.['x-forwarded-for'], '203.0.113.7');
    assert.equal(headers?.['x-service-token'], undefined, 'the token stops at the gateway');
    assert.equal(headers?.[CLIENT_ADDRESS_HEADER], undefined);
  });

  it('ignores the header without a token, with a forged one, or with another service token', async () => {
    const otherService = createServiceTokenSigner(keys.signingKey('offers'), 'offers')('gateway');
    const offersNamingFrontend = createServiceTokenSigner(keys.signingKey('offers'), 'frontend')('gateway');
    const wrongKey = createServiceTokenSigner(testKeys().signingKey('frontend'), 'frontend')('gateway');
    const forLogin = createServiceTokenSigner(frontendKey, 'frontend')('login');
    for (const token of [undefined, 'forged', otherService, offersNamingFrontend, wrongKey, forLogin]) {
      const headers = await forwardedFor(api, { [CLIENT_ADDRESS_HEADER]: '203.0.113.7', ...(token ? { 'x-service-token': token } : {}) });
      assert.equal(headers?.['x-forwarded-for'], '127.0.0.1', `token ${token?.slice(0, 12)}`);
    }
    const notAnAddress = await forwardedFor(api, { 'x-service-token': frontendToken, [CLIENT_ADDRESS_HEADER]: 'evil, 1.2.3.4' });
    assert.equal(notAnAddress?.['x-forwarded-for'], '127.0.0.1', 'only a single well-formed address counts');
  });

  it('rate-limits each vouched address on its own, and forged headers share the caller’s budget', async () => {
    const login = (headers: Record<string, string>) =>
      api('POST', '/auth/login', { body: { identifier: 'a', password: 'b' }, headers }).then((r) => r.status);
    const as = (ip: string) => ({ 'x-service-token': frontendToken, [CLIENT_ADDRESS_HEADER]: ip });
    assert.deepEqual([await login(as('198.51.100.1')), await login(as('198.51.100.1')), await login(as('198.51.100.1'))], [200, 200, 429]);
    assert.equal(await login(as('198.51.100.2')), 200, 'another browser behind the same frontend has its own budget');
    const forged = [];
    for (let i = 0; i < 3; i += 1) forged.push(await login({ [CLIENT_ADDRESS_HEADER]: `192.0.2.${i}` }));
    assert.deepEqual(forged, [200, 200, 429], 'without the token every forged address counts as the caller itself');
  });

  it('believes no one when the gateway has no frontend key (SERVICE_PUBLIC_KEYS)', async () => {
    const bare = await startGateway({});
    after(() => bare.app.close());
    const headers = await forwardedFor(bare.api, { 'x-service-token': frontendToken, [CLIENT_ADDRESS_HEADER]: '203.0.113.7' });
    assert.equal(headers?.['x-forwarded-for'], '127.0.0.1');
  });
});
