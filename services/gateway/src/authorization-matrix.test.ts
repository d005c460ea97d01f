import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '@pupero/shared/config';
import { type JsonResponse, testKeys } from '@pupero/shared/testing';
import { type Account, type MatrixStack, startMatrixStack } from '@pupero/test-stack/matrix';
import {
  authorizationMatrix,
  type Caller,
  callers,
  type Expected,
  type MatrixCase,
  type MatrixRow,
  type Outcome,
} from './authorization-matrix.ts';
import { configSchema } from './config.ts';
import { type PublicRoute, upstreams } from './upstreams.ts';

const ID_PATTERN = '[A-Za-z0-9_-]{1,64}';

/** 'GET /balances/:id': the route as written in upstreams.ts, read back from the pattern it builds. */
function routeKey(route: PublicRoute): string {
  const path = route.path.source.replace(/^\^/, '').replace(/\$$/, '').replaceAll('\\/', '/').replaceAll(ID_PATTERN, ':id');
  const key = `${route.method} ${path}`;
  assert.match(key, /^[A-Z]+ (\/[a-z0-9:_-]+)+$/, `upstreams.ts builds its patterns differently now: teach routeKey to read ${key}`);
  return key;
}

/** Every public route of a gateway with every upstream configured, with the service behind it. */
function publicRoutes(): Map<string, { upstream: string; auth: boolean }> {
  const config = loadConfig(configSchema, {
    ...testKeys().env('gateway'),
    LOGIN_SERVICE_URL: 'http://127.0.0.1:8001',
    OFFERS_SERVICE_URL: 'http://127.0.0.1:8002',
    TRANSACTIONS_SERVICE_URL: 'http://127.0.0.1:8003',
    WALLET_MANAGER_SERVICE_URL: 'http://127.0.0.1:8004',
    LOG_LEVEL: 'silent',
  });
  const table = new Map<string, { upstream: string; auth: boolean }>();
  for (const upstream of upstreams(config)) {
    for (const route of upstream.routes) table.set(routeKey(route), { upstream: upstream.name, auth: route.auth });
  }
  return table;
}

const gatewayRoutes = publicRoutes();
const short: Record<Outcome, string> = { allowed: 'ok', 'denied-401': '401', 'denied-403': '403', 'not-found-404': '404' };
const caseLabel = (c: MatrixCase) => (c.on ? (c.on.kind === 'trade' ? `trade ${c.on.state}` : c.on.kind) : 'own');
const rowTitle = (row: MatrixRow) =>
  `${row.route} ${row.cases.map((c) => `[${caseLabel(c)}: ${callers.map((caller) => short[c.expect[caller]]).join(' ')}]`).join(' ')}`;

/** The class of an answer; anything that is not one (429, 5xx, the gateway's own 404) is named as it is. */
function outcomeOf(res: JsonResponse): string {
  if (res.status === 401) return 'denied-401';
  if (res.status === 403) return 'denied-403';
  if (res.status === 404) {
    return /^Route .* not found$/.test(res.body?.message) ? 'gateway 404: no such route' : 'not-found-404';
  }
  if (res.status === 429 || res.status >= 500 || res.status < 200 || (res.status >= 300 && res.status < 400)) {
    return `unexpected ${res.status} ${res.body?.code ?? ''}`.trim();
  }
  return 'allowed';
}

describe('authorization matrix', () => {
  it('has one row for each public route of the gateway, and none for a route it does not have', () => {
    const rows = authorizationMatrix.map((row) => row.route);
    const missing = [...gatewayRoutes.keys()].filter((route) => !rows.includes(route));
    const unknown = rows.filter((route) => !gatewayRoutes.has(route));
    const twice = rows.filter((route, index) => rows.indexOf(route) !== index);
    assert.deepEqual(
      { missing, unknown, twice },
      { missing: [], unknown: [], twice: [] },
      'every route in upstreams.ts needs its row in authorization-matrix.ts (and only those)',
    );
  });

  it('agrees with the gateway on which routes need a token, and names a resource exactly where the path has :id', () => {
    for (const row of authorizationMatrix) {
      const route = gatewayRoutes.get(row.route);
      assert.ok(route, row.route);
      assert.ok(row.cases.length > 0, `${row.route} has no case`);
      for (const c of row.cases) {
        assert.equal(c.expect.anonymous === 'denied-401', route.auth, `${row.route}: anonymous ${c.expect.anonymous}, auth ${route.auth}`);
        assert.equal(Boolean(c.on), row.route.includes(':id'), `${row.route}: what does :id point at?`);
      }
    }
  });

  describe('answers through the gateway [case: anonymous owner other moderator admin]', () => {
    let stack: MatrixStack;
    before(async () => {
      stack = await startMatrixStack();
    });
    after(() => stack?.close());

    const tokenOf = (caller: Caller, owner: Account) =>
      caller === 'anonymous' ? undefined : caller === 'owner' ? owner.token : stack[caller].token;

    async function play(row: MatrixRow, c: MatrixCase, asked: readonly Caller[]) {
      const { id, owner } = await stack.prepare(c.on);
      const [method, pattern] = row.route.split(' ') as [string, string];
      const path = id === undefined ? pattern : pattern.replace(':id', encodeURIComponent(id));
      const actual: Partial<Record<Caller, string>> = {};
      // The owner last: its request may change the resource (pay, close, resolve).
      for (const caller of asked) {
        const body = typeof row.body === 'function' ? row.body({ caller, ownerId: owner.id }) : row.body;
        actual[caller] = outcomeOf(await stack.api(method, path, { token: tokenOf(caller, owner), body }));
        // A caller the route's guard refuses (the same refusal whatever the resource: no token, or not
        // the role) learns nothing of what the route takes: refused before its body is read.
        const guarded = row.cases.every((k) => k.expect[caller] === c.expect[caller]);
        if (method !== 'GET' && guarded && (c.expect[caller] === 'denied-401' || c.expect[caller] === 'denied-403')) {
          const malformed = { token: tokenOf(caller, owner), body: { notAField: [1, 2] } };
          const refused = outcomeOf(await stack.api(method, path, malformed));
          if (refused !== c.expect[caller]) actual[caller] = `${refused} with a malformed body`;
        }
      }
      const expected = Object.fromEntries(asked.map((caller) => [caller, c.expect[caller]])) as Partial<Expected>;
      assert.deepEqual(actual, expected, `${row.route} on ${caseLabel(c)} (${path})`);
    }

    const ordered = [...authorizationMatrix.filter((row) => !row.endsSessions), ...authorizationMatrix.filter((row) => row.endsSessions)];
    for (const row of ordered) {
      it(rowTitle(row), async () => {
        for (const c of row.cases) await play(row, c, ['anonymous', 'other', 'moderator', 'admin', 'owner']);
      });
    }
  });
});
