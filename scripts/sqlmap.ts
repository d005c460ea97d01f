// sqlmap (Debian's, `apt-get install -y sqlmap`) against every public route of a real gateway: the
// fuzz's stack (every service, one fresh database, the gateway's per-address limits lifted), each
// operation of /openapi.json with a well-formed request in which every path segment, query value
// and JSON body value is an injection point (sqlmap's `*`), as a signed-in user (an admin on admin
// routes) with a fresh token each, in batch mode at a modest level and risk against MySQL/MariaDB.
//
//   pnpm sqlmap [--level 2] [--risk 1] [--only 'GET /offers'] [--out dir]
//
// Writes each operation's sqlmap log and HTTP traffic under --out, prints a summary (operations,
// injection points, requests sent, answers by class, what sqlmap concluded) and exits 1 if sqlmap
// reports any parameter injectable.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { examplesFor, startFuzzStack } from '@pupero/gateway/testing';

const { values } = parseArgs({
  options: {
    level: { type: 'string', default: '2' },
    risk: { type: 'string', default: '1' },
    only: { type: 'string' },
    out: { type: 'string', default: `/tmp/pupero-sqlmap-${Date.now()}` },
  },
});
const out = values.out;
mkdirSync(out, { recursive: true });
const log = (line: string) => process.stdout.write(`${line}\n`);

/** Bodies for the credential routes (the fuzz sends these generated): wrong passwords, so no account changes. */
const credentialBodies: Record<string, unknown> = {
  'POST /auth/register': { email: 'sqlmap@example.test', username: 'sqlmap_probe', password: 'a long enough password' },
  'POST /auth/login': { identifier: 'sqlmap_probe', password: 'a wrong password' },
  'POST /auth/token/refresh': { refreshToken: 'not-a-refresh-token' },
  'POST /auth/logout': { refreshToken: 'not-a-refresh-token' },
  'PUT /auth/me': { currentPassword: 'a wrong password', username: 'renamed_probe' },
  'DELETE /auth/me': { password: 'a wrong password' },
  'POST /auth/2fa/enable': { password: 'a wrong password' },
  'POST /auth/2fa/confirm': { password: 'a wrong password', totp: '123456' },
  'POST /auth/2fa/disable': { password: 'a wrong password', totp: '123456' },
};

/** A JSON text with `*` after every string and number value: each one an injection point. */
const marked = (body: unknown) =>
  JSON.stringify(body).replaceAll(/("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)(?=[,}\]])/g, (value: string) =>
    value.startsWith('"') ? `${value.slice(0, -1)}*"` : `${value}*`,
  );

const started = Date.now();
// The login throttles lifted: sqlmap fails logins and password checks by the thousand, and would
// otherwise compare nothing but 429s.
const stack = await startFuzzStack({
  loginEnv: { LOGIN_FREE_FAILURES: '100000', LOGIN_ACCOUNT_FREE_FAILURES: '100000', SIGNED_IN_FREE_FAILURES: '100000' },
});
const document = (await stack.api('GET', '/openapi.json')).body;
const examples = examplesFor(stack);
const { fixtures } = stack;
/** The fixture a path names, by what the path is about. */
const pathIds: [string, string][] = [
  ['/balances/', fixtures.userIds[0]!],
  ['/users/', fixtures.usernames[0]!],
  ['/withdrawals/', fixtures.withdrawalIds[0]!],
  ['/offers/', fixtures.offerIds[0]!],
  ['/prices/', 'EUR'],
  ['/admin/prices/', 'EUR'],
];
const idFor = (method: string, route: string) =>
  // An offer is changed by its owner alone: the user's own (the last fixture offer), or the baseline is a 404.
  route.startsWith('/offers/') && (method === 'PATCH' || method === 'DELETE')
    ? fixtures.offerIds.at(-1)!
    : (pathIds.find(([prefix]) => route.startsWith(prefix))?.[1] ?? fixtures.tradeIds[0]!);
/** A value the parameter accepts; none for an opaque cursor (only the service's own next page is one). */
const queryExample = (name: string, schema: { enum?: unknown[]; type?: string; pattern?: string }) =>
  name === 'cursor' && !schema.pattern ? undefined : String(schema.enum?.[0] ?? 1);

interface Verdict {
  operation: string;
  points: number;
  requests: number;
  statuses: Record<string, number>;
  verdict: string;
}
const verdicts: Verdict[] = [];
try {
  const operations = Object.entries(document.paths as Record<string, Record<string, any>>)
    .flatMap(([route, item]) => Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), route, op })))
    // Logging out everywhere last: it ends the sessions the others use (each gets a fresh token anyway).
    .sort((a, b) => Number(a.route.endsWith('logout-all')) - Number(b.route.endsWith('logout-all')))
    .filter(({ method, route }) => !values.only || values.only === `${method} ${route}`);
  for (const { method, route, op } of operations) {
    const name = `${method} ${route}`;
    const query = (op.parameters ?? [])
      .filter((p: { in: string; name: string; schema: any }) => p.in === 'query' && queryExample(p.name, p.schema) !== undefined)
      .map((p: { name: string; schema: any }) => `${p.name}=${queryExample(p.name, p.schema)}*`)
      .join('&');
    const url = `${stack.gatewayUrl}${route.replaceAll(/\{[^}]+\}/g, () => `${idFor(method, route)}*`)}${query ? `?${query}` : ''}`;
    const body = op.requestBody ? (examples[name]?.[0] ?? credentialBodies[name] ?? {}) : undefined;
    const account = route.startsWith('/admin/') ? stack.admin : stack.user;
    const token = op.security ? await stack.signIn(account) : undefined;
    const headers = [
      ...(token ? [`Authorization: Bearer ${token}`] : []),
      ...(body !== undefined ? ['Content-Type: application/json'] : []),
      ...(method === 'POST' ? [`Idempotency-Key: sqlmap-${verdicts.length}`] : []),
    ];
    const slug = name.replaceAll(/[^A-Za-z0-9]+/g, '_');
    const traffic = path.join(out, `${slug}.traffic`);
    const args = [
      '-u',
      url,
      '--method',
      method,
      ...(body !== undefined ? ['--data', marked(body)] : []),
      ...(headers.length ? ['--headers', headers.join('\n')] : []),
      '--batch',
      `--level=${values.level}`,
      `--risk=${values.risk}`,
      '--dbms=mysql',
      '--time-sec=2',
      '--timeout=15',
      '--retries=1',
      '--skip-waf',
      // Wrong passwords are the requests here: their 401 is the page to compare, not a reason to stop.
      '--ignore-code=401',
      '--flush-session',
      '--disable-coloring',
      '--parse-errors',
      `--output-dir=${path.join(out, 'sessions')}`,
      '-t',
      traffic,
    ];
    const output = await new Promise<string>((resolve) => {
      const child = spawn('sqlmap', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (chunk) => {
        text += chunk;
      });
      child.stderr.on('data', (chunk) => {
        text += chunk;
      });
      child.on('close', () => resolve(text));
    });
    writeFileSync(path.join(out, `${slug}.log`), output);
    const trafficText = (() => {
      try {
        return readFileSync(traffic, 'utf8');
      } catch {
        return '';
      }
    })();
    const statuses: Record<string, number> = {};
    for (const match of trafficText.matchAll(/HTTP response \[#\d+\] \((\d{3})/g)) {
      const group = `${match[1]![0]}xx`;
      statuses[group] = (statuses[group] ?? 0) + 1;
    }
    const verdict = /is vulnerable|appears to be '.*' injectable|sqlmap identified the following injection point/i.test(output)
      ? 'INJECTABLE'
      : /do not appear to be injectable/.test(output)
        ? 'not injectable'
        : (/\[(?:CRITICAL|ERROR)\] (.*)/.exec(output)?.[1] ?? 'no verdict');
    const points = (url.match(/\*/g)?.length ?? 0) + (body !== undefined ? (marked(body).match(/\*/g)?.length ?? 0) : 0);
    const requests = trafficText.match(/HTTP request \[#\d+\]/g)?.length ?? 0;
    verdicts.push({ operation: name, points, requests, statuses, verdict });
    log(`${name}: ${points} points, ${requests} requests ${JSON.stringify(statuses)} → ${verdict}`);
  }
} finally {
  await stack.stop();
}

const total = (key: keyof Verdict) => verdicts.reduce((sum, v) => sum + (v[key] as number), 0);
const statuses: Record<string, number> = {};
for (const v of verdicts) for (const [group, n] of Object.entries(v.statuses)) statuses[group] = (statuses[group] ?? 0) + n;
const summary = {
  sqlmap: await new Promise<string>((resolve) => {
    const child = spawn('sqlmap', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
    });
    child.on('close', () => resolve(text.split('\n')[0]!.trim()));
  }),
  level: Number(values.level),
  risk: Number(values.risk),
  minutes: Math.round((Date.now() - started) / 60_000),
  operations: verdicts.length,
  injectionPoints: total('points'),
  requests: total('requests'),
  answers: statuses,
  injectable: verdicts.filter((v) => v.verdict === 'INJECTABLE').map((v) => v.operation),
  withoutVerdict: verdicts.filter((v) => v.verdict !== 'INJECTABLE' && v.verdict !== 'not injectable'),
};
writeFileSync(path.join(out, 'summary.json'), `${JSON.stringify({ ...summary, verdicts }, null, 2)}\n`);
log(JSON.stringify(summary, null, 2));
log(`logs and traffic: ${out}`);
process.exit(summary.injectable.length === 0 ? 0 : 1);
