import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '@pupero/shared/config';
import { SERVICE_OPENAPI_PATH } from '@pupero/shared/http';
import { tokenSettingsFrom } from '@pupero/shared/jwt';
import { keyEnvironment } from '@pupero/shared/key-plan';
import { jsonClient } from '@pupero/shared/testing';
import { type BareChain, listen, startBareChain, startOffersAndWallet } from '@pupero/test-stack/every-service';
import { type LedgerStack, startLedgerStack } from '@pupero/test-stack/ledger';
import { Validator } from '@seriousme/openapi-schema-validator';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { configSchema } from './config.ts';
import { mergeDocuments } from './openapi/merge.ts';
import { openApiSource } from './openapi/source.ts';
import { type PublicRoute, upstreams } from './upstreams.ts';

/** Every public route of the gateway's table, whatever URL each service has. */
const routeTable = upstreams({
  LOGIN_SERVICE_URL: 'http://login.test',
  TRANSACTIONS_SERVICE_URL: 'http://transactions.test',
  OFFERS_SERVICE_URL: 'http://offers.test',
  WALLET_MANAGER_SERVICE_URL: 'http://wallet-manager.test',
} as Config);

type Operation = { security?: unknown; parameters?: { in: string; name: string; required?: boolean }[]; responses: Record<string, any> };
type Document = {
  openapi: string;
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, any>;
};

const samplePath = (template: string) => template.replaceAll(/\{[^}/]+\}/g, 'p1');
const operationsOf = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );
const operationFor = (document: Document, route: PublicRoute) =>
  operationsOf(document).find((o) => o.method.toUpperCase() === route.method && route.path.test(samplePath(o.path)));

describe('GET /openapi.json through the gateway, in front of every real service', () => {
  let chainStarting: Promise<BareChain> | undefined;
  let stack: LedgerStack;
  let services: Awaited<ReturnType<typeof startOffersAndWallet>>;
  let document: Document;

  before(async () => {
    chainStarting = startBareChain();
    const chain = chainStarting;
    stack = await startLedgerStack({
      beside: async (context) => {
        services = await startOffersAndWallet(context, await chain);
        return services;
      },
    });
    const response = await stack.api('GET', '/openapi.json');
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.match(String(response.headers.get('content-type')), /^application\/json/);
    document = response.body;
  });
  after(async () => {
    await stack?.close();
    await (await chainStarting?.catch(() => undefined))?.stop();
  });

  it('is a valid OpenAPI 3.1 document whose every $ref resolves', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1));
    assert.equal(validator.version, '3.1');
    assert.doesNotThrow(() => validator.resolveRefs());
    assert.deepEqual(
      document.tags.map((t) => t.name),
      ['login', 'transactions', 'offers', 'wallet-manager'],
      'every service behind the gateway',
    );
  });

  it('has an operation with declared schemas for every public route of the gateway table, and no other', () => {
    const routes = routeTable.flatMap((u) => u.routes);
    const missing = routes.filter((route) => !operationFor(document, route)).map((r) => `${r.method} ${r.path.source}`);
    assert.deepEqual(missing, [], 'public routes without an operation');
    for (const route of routes) {
      const { path, operation } = operationFor(document, route)!;
      const successes = Object.entries(operation.responses).filter(([status]) => /^2/.test(status));
      assert.ok(successes.length > 0, `${route.method} ${path} declares a success answer`);
      for (const [status, response] of successes) {
        const schema = response.content?.['application/json']?.schema;
        assert.ok(schema || (status === '204' && !response.content), `${route.method} ${path} ${status} has a schema`);
      }
      for (const name of path.match(/\{[^}]+\}/g) ?? []) {
        const declared = operation.parameters?.some((p) => p.in === 'path' && `{${p.name}}` === name);
        assert.ok(declared, `${route.method} ${path} declares its path parameter ${name}`);
      }
    }
    const unrouted = operationsOf(document).filter(
      (o) => !routes.some((r) => r.method === o.method.toUpperCase() && r.path.test(samplePath(o.path))),
    );
    assert.deepEqual(unrouted, [], 'operations the gateway does not route');
    assert.equal(operationsOf(document).length, routes.length, 'one operation per public route');
  });

  it('publishes nothing internal: no internal, health or metrics path, here or in any service document', async () => {
    const leaks = (paths: string[]) => paths.filter((p) => /internal|\/healthz|\/metrics/i.test(p));
    assert.deepEqual(leaks(Object.keys(document.paths)), []);
    const own = await jsonClient(services.offersUrl)('GET', SERVICE_OPENAPI_PATH);
    assert.equal(own.status, 200);
    assert.ok(Object.keys(own.body.paths).includes('/offers'));
    assert.deepEqual(leaks(Object.keys(own.body.paths)), [], "the offers service's own document");
    assert.equal((await stack.api('GET', SERVICE_OPENAPI_PATH)).status, 404, 'the gateway does not route the services’ documents');
  });

  it('names the bearer scheme on exactly the routes that need a token, and answers every error with ErrorBody', async () => {
    assert.deepEqual(document.components.securitySchemes.bearerAuth, {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: document.components.securitySchemes.bearerAuth.description,
    });
    for (const route of routeTable.flatMap((u) => u.routes)) {
      const { path, operation } = operationFor(document, route)!;
      assert.deepEqual(operation.security, route.auth ? [{ bearerAuth: [] }] : undefined, `${route.method} ${path}`);
      const errors = Object.entries(operation.responses).filter(([status]) => !/^2/.test(status));
      assert.ok(errors.some(([status]) => status === 'default'));
      if (route.auth) assert.ok(operation.responses['401'], `${route.method} ${path} documents its 401`);
      for (const [, response] of errors) {
        const shared = document.components.responses[String(response.$ref).replace('#/components/responses/', '')];
        assert.equal(shared?.content['application/json'].schema.$ref, '#/components/schemas/ErrorBody', `${route.method} ${path}`);
      }
    }
    const withdraw = document.paths['/withdraw']?.post?.parameters ?? [];
    assert.deepEqual(
      withdraw.filter((p) => p.in === 'header').map((p) => [p.name, p.required]),
      [['idempotency-key', true]],
      'the withdrawal documents its Idempotency-Key header',
    );
    const errorBody = document.components.schemas.ErrorBody;
    assert.deepEqual(errorBody.required, ['statusCode', 'code', 'message']);
    const refused = await stack.api('GET', '/auth/me');
    assert.equal(refused.status, 401);
    assert.deepEqual(Object.keys(refused.body).sort(), ['code', 'message', 'statusCode']);
    assert.ok(errorBody.properties.code.enum.includes(refused.body.code), 'a real error answer fits the published shape');
  });

  it('serves /docs: every operation on one page that runs no script and loads nothing', async () => {
    const response = await fetch(new URL('/docs', stack.gatewayUrl));
    assert.equal(response.status, 200);
    assert.match(String(response.headers.get('content-type')), /^text\/html/);
    assert.match(String(response.headers.get('content-security-policy')), /default-src 'none'/);
    const page = await response.text();
    assert.doesNotMatch(page, /<script|<link|<img|\ssrc=|url\(/i);
    for (const { path, method } of operationsOf(document)) {
      assert.ok(page.includes(`${method.toUpperCase()}</span> <code>${path}</code>`), `${method} ${path} is on the page`);
    }
  });

  it('keeps the last document of a service that stops answering; without one it answers 503', async () => {
    const list = upstreams({ LOGIN_SERVICE_URL: stack.login.url, OFFERS_SERVICE_URL: services.offersUrl } as Config);
    let now = 0;
    const stale: string[] = [];
    const source = openApiSource(list, { timeoutMs: 2000, maxAgeMs: 60_000, now: () => now, onStale: (service) => stale.push(service) });
    const first = await source();
    assert.ok(first.document.paths?.['/offers']);
    assert.deepEqual(first.missing, []);
    await services.offers.close();
    now += 60_000;
    assert.deepEqual((await source()).document, first.document, 'the last document, while offers is down');
    assert.deepEqual(stale, ['offers']);
    await assert.rejects(openApiSource(list, { timeoutMs: 2000, maxAgeMs: 60_000 })(), { code: 'SERVICE_UNAVAILABLE' });

    const config = loadConfig(configSchema, {
      ...keyEnvironment(stack.keys, 'gateway'),
      LOGIN_SERVICE_URL: stack.login.url,
      OFFERS_SERVICE_URL: services.offersUrl,
      LOG_LEVEL: 'silent',
    });
    const gateway = await buildApp({ config, tokens: tokenSettingsFrom(config) }, { logger: false });
    after(() => gateway.close());
    const refused = await jsonClient(await listen(gateway))('GET', '/openapi.json');
    assert.equal(refused.status, 503);
    assert.equal(refused.body.code, 'SERVICE_UNAVAILABLE');
    assert.match(refused.body.message, /offers/);
  });
});

describe('mergeDocuments', () => {
  const operation = { responses: { 200: { description: 'ok' } } };
  it('publishes an operation only where a public route reaches it, under its public path', () => {
    const login = {
      openapi: '3.1.0',
      info: { title: 'login', version: '1' },
      paths: {
        '/register': { post: operation },
        '/internal/users/{id}': { get: operation },
        '/healthz': { get: operation },
        '/me': { patch: operation },
      },
    };
    const { document, missing } = mergeDocuments([routeTable[0]!], new Map([['login', login]]));
    assert.deepEqual(Object.keys(document.paths ?? {}), ['/auth/register']);
    assert.equal(missing.length, routeTable[0]!.routes.length - 1, 'every other login route is reported missing');
    assert.ok(missing.includes(`GET ${/^\/auth\/me$/.source}`), missing.join(', '));
  });
});
