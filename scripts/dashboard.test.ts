// compose/monitoring against the services: every metric the Grafana dashboard reads is one a service
// exposes (with the labels the dashboard uses), and Prometheus scrapes each service at the address
// the compose files give it inside the network.
//
// The metrics come from the services themselves: login, gateway, transactions and offers are built
// over a real database (startOffersStack, as services/offers/src/metrics.test.ts does) and asked
// `GET /metrics`. The wallet manager cannot be built here without a Monero chain (its deps open the
// wallet RPC), so its two gauges, pupero_deposits and pupero_wallet_sends, are read from the
// `metrics.gauge('…'` calls in services/wallet-manager/src/app.ts instead; the same reading of the
// other services' sources is checked against their real /metrics below. Its HTTP and process metrics
// are the shared registerMetrics ones, which the four others expose. The frontend (Express) has its own
// registerMetrics with the same HTTP histogram and process metrics; services/frontend/src/auth.test.ts
// reads them from its real /metrics.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type OffersStack, serviceApps, startOffersStack } from '@pupero/test-stack/offers';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

// ---------------------------------------------------------------------------------------------
// The dashboard's PromQL

interface Panel {
  title?: string;
  type: string;
  datasource?: { type: string; uid: string };
  targets?: { expr?: string; datasource?: { type: string; uid: string } }[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  panels: Panel[];
}

const dashboard: Dashboard = JSON.parse(read('compose/monitoring/grafana/dashboards/pupero.json'));

/** Every panel, rows' nested panels included. */
function panelsOf(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...panelsOf(p.panels ?? [])]);
}

const queries = panelsOf(dashboard.panels).flatMap((panel) => (panel.targets ?? []).map((t) => ({ panel, expr: t.expr ?? '' })));

const SUFFIXES = ['_bucket', '_count', '_sum'];
/** Words of PromQL that are neither metrics nor followed by `(`. */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

interface Selector {
  metric: string;
  /** label → [operator, value] */
  matchers: [string, string, string][];
}
interface Query {
  selectors: Selector[];
  /** Labels of `by (…)`, `without (…)`, `on (…)`, `ignoring (…)`, `group_left/right (…)`. */
  grouping: string[];
}

/**
 * The vector selectors of a PromQL expression: a name not followed by `(` (that would be a function
 * or an aggregation) and not a keyword, with its matchers. Enough of PromQL for a dashboard; a
 * selector by `{__name__=…}` is refused rather than guessed.
 */
function parsePromQL(expr: string): Query {
  const strings: string[] = [];
  let text = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, (s) => `"${strings.push(s.slice(1, -1)) - 1}"`);
  assert.doesNotMatch(text, /__name__/, `${expr}: select metrics by name, not by __name__`);
  text = text.replace(/\$\{?\w+\}?/g, ''); // Grafana's variables ($__rate_interval …) sit in ranges and steps
  const grouping = [...text.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g)].flatMap((m) =>
    m[1]!
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean),
  );
  text = text.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ').replace(/\[[^\]]*\]/g, ' ');
  const selectors: Selector[] = [];
  for (const m of text.matchAll(/([a-zA-Z_:][\w:]*)\s*(\{[^}]*\})?/g)) {
    const [whole, name, braces] = m;
    const before = text[m.index - 1] ?? ' ';
    if (/[\w.]/.test(before)) continue; // the exponent or unit of a number (1e3, 5m)
    if (KEYWORDS.has(name!.toLowerCase())) continue;
    if (!braces && /^\s*\(/.test(text.slice(m.index + whole.length))) continue; // a function or an aggregation
    const matchers = (braces ?? '{}')
      .slice(1, -1)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s): [string, string, string] => {
        const matcher = /^([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*"(\d+)"$/.exec(s);
        assert.ok(matcher, `${expr}: matcher ${s}`);
        return [matcher[1]!, matcher[2]!, strings[Number(matcher[3])]!];
      });
    selectors.push({ metric: name!, matchers });
  }
  return { selectors, grouping };
}

/** The metric a series name belongs to: histograms' `_bucket`, `_count` and `_sum` are the histogram's. */
function familyName(series: string, families: Map<string, Family>): string {
  if (families.has(series)) return series;
  const suffix = SUFFIXES.find((s) => series.endsWith(s));
  return suffix ? series.slice(0, -suffix.length) : series;
}

// ---------------------------------------------------------------------------------------------
// What the services expose

interface Family {
  type: string;
  labels: Set<string>;
  services: Set<string>;
}

function addFamily(families: Map<string, Family>, name: string, type: string, service: string, labels: string[] = []) {
  const family = families.get(name) ?? { type, labels: new Set(['service']), services: new Set() };
  assert.equal(family.type, type, `${name} has one type`);
  for (const label of labels) family.labels.add(label);
  family.services.add(service);
  families.set(name, family);
}

/** `# TYPE` lines name the metrics (a labelled gauge with no rows yet has no sample); samples give labels. */
function readExposition(text: string, service: string, families: Map<string, Family>) {
  for (const [, name, type] of text.matchAll(/^# TYPE ([a-zA-Z_:][\w:]*) (\w+)$/gm)) addFamily(families, name!, type!, service);
  for (const [, series, labels] of text.matchAll(/^([a-zA-Z_:][\w:]*)\{([^}]*)\} \S+$/gm)) {
    const name = familyName(series!, families);
    const family = families.get(name);
    assert.ok(family, `${service}: sample ${series} has a # TYPE`);
    for (const [, label] of labels!.matchAll(/([a-zA-Z_]\w*)="/g)) family.labels.add(label!);
  }
}

/**
 * The top-level arguments of every call `name(…)` in TypeScript source, as text: parentheses are
 * balanced past strings, template literals and comments. (The workspace's `typescript` is the native
 * compiler, which has no JavaScript parser API to walk instead.)
 */
function callsIn(source: string, name: string): string[][] {
  const calls: string[][] = [];
  for (let at = source.indexOf(`${name}(`); at !== -1; at = source.indexOf(`${name}(`, at + 1)) {
    if (/[\w$.]/.test(source[at - 1] ?? '') && !name.includes('.')) continue;
    const args: string[] = [];
    let depth = 0;
    let current = '';
    for (let i = at + name.length; i < source.length; i++) {
      const c = source[i]!;
      if (c === "'" || c === '"' || c === '`') {
        let j = i + 1;
        while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
        current += source.slice(i, j + 1);
        i = j;
        continue;
      }
      if (c === '/' && (source[i + 1] === '/' || source[i + 1] === '*')) {
        const end = source[i + 1] === '/' ? source.indexOf('\n', i) : source.indexOf('*/', i) + 1;
        i = end === -1 ? source.length : end;
        continue;
      }
      if ('([{'.includes(c)) depth++;
      if (')]}'.includes(c)) depth--;
      if (depth === 0) {
        if (current.trim()) args.push(current.trim());
        break;
      }
      if (depth === 1 && c === ',') {
        args.push(current.trim());
        current = '';
      } else if (depth > 1 || c !== '(') current += c;
    }
    calls.push(args.filter(Boolean));
  }
  return calls;
}

const stringLiteral = (arg: string | undefined) => /^(['"])([^'"\\]*)\1$/.exec(arg ?? '')?.[2];

/** `registerMetrics(app, 'name')` and `metrics.gauge('name', help, collect, 'label')` calls of a service's app.ts. */
function metricsInSource(file: string): { service?: string; gauges: { name: string; label?: string }[] } {
  const source = read(file);
  const registered = callsIn(source, 'registerMetrics').map((args) => stringLiteral(args[1]));
  assert.ok(registered.length <= 1, `${file} registers /metrics once`);
  const gauges = callsIn(source, 'metrics.gauge').map((args) => {
    const name = stringLiteral(args[0]);
    assert.ok(name, `${file}: metrics.gauge(${args[0]}, …) names its gauge with a string literal`);
    assert.ok(args.length === 3 || args.length === 4, `${file}: ${name} has a name, a help, a collect function and perhaps a label`);
    const label = stringLiteral(args[3]);
    if (args.length === 4) assert.ok(label, `${file}: ${name}'s label is a string literal`);
    return label ? { name, label } : { name };
  });
  return { ...(registered[0] ? { service: registered[0] } : {}), gauges };
}

/** The Node services, by directory: those whose app registers /metrics. */
const METRIC_SERVICES = readdirSync(path.join(root, 'services'))
  .filter((dir) => existsSync(path.join(root, 'services', dir, 'src/app.ts')))
  .map((dir) => ({ dir, ...metricsInSource(`services/${dir}/src/app.ts`) }))
  .filter((s) => s.service);

describe('the Grafana dashboard (compose/monitoring/grafana/dashboards/pupero.json) reads only metrics the services expose', () => {
  let stack: OffersStack;
  const families = new Map<string, Family>();
  const expositions: Record<string, string> = {};

  before(async () => {
    stack = await startOffersStack();
    const apps = await serviceApps(stack);
    for (const [name, app] of Object.entries(apps)) {
      try {
        await app.inject({ method: 'GET', url: '/healthz' }); // one request, so the histogram has samples and labels
        const res = await app.inject({ method: 'GET', url: '/metrics' });
        assert.equal(res.statusCode, 200, name);
        expositions[name] = res.body;
        readExposition(res.body, name, families);
      } finally {
        await app.close();
      }
    }
    // The wallet manager's gauges from its source (see the top of this file); and every service's
    // gauge label from its source, since a labelled gauge with no rows yet has no sample to show it.
    const walletManager = metricsInSource('services/wallet-manager/src/app.ts');
    assert.equal(walletManager.service, 'wallet-manager', "the wallet manager's app calls registerMetrics(app, 'wallet-manager')");
    for (const { service, gauges } of METRIC_SERVICES) {
      for (const gauge of gauges) addFamily(families, gauge.name, 'gauge', service!, gauge.label ? [gauge.label] : []);
    }
  });
  after(() => stack?.close());

  it('has queries, each selecting at least one metric', () => {
    assert.ok(queries.length >= 12, `${queries.length} queries`);
    for (const { panel, expr } of queries) assert.ok(parsePromQL(expr).selectors.length, `${panel.title}: ${expr}`);
  });

  it('every metric of every query exists, histograms by their _bucket/_count/_sum series', () => {
    for (const { panel, expr } of queries) {
      for (const { metric } of parsePromQL(expr).selectors) {
        const name = familyName(metric, families);
        const family = families.get(name);
        assert.ok(family, `${panel.title}: ${metric} is exposed by no service (${expr})`);
        if (name !== metric) assert.equal(family.type, 'histogram', `${panel.title}: ${metric} is a series of a histogram`);
        else assert.notEqual(family.type, 'histogram', `${panel.title}: a histogram is queried by its _bucket, _count or _sum`);
      }
    }
  });

  it('every label a query matches or groups by is one of its metrics', () => {
    for (const { panel, expr } of queries) {
      const { selectors, grouping } = parsePromQL(expr);
      const labelsOf = (metric: string) => {
        const labels = new Set(families.get(familyName(metric, families))?.labels);
        if (metric.endsWith('_bucket')) labels.add('le');
        return labels;
      };
      for (const { metric, matchers } of selectors) {
        for (const [label] of matchers) assert.ok(labelsOf(metric).has(label), `${panel.title}: ${metric} has no label ${label}`);
      }
      const all = new Set(selectors.flatMap(({ metric }) => [...labelsOf(metric)]));
      for (const label of grouping) assert.ok(all.has(label), `${panel.title}: no metric of ${expr} has the label ${label}`);
    }
  });

  it("matches the application's gauges on values their columns can hold (Prisma enum members)", () => {
    const schema = read('prisma/schema.prisma');
    for (const { panel, expr } of queries) {
      for (const { metric, matchers } of parsePromQL(expr).selectors) {
        if (!metric.startsWith('pupero_')) continue;
        for (const [label, op, value] of matchers) {
          if (op === '=' || op === '!=') assert.match(schema, new RegExp(`^\\s+${value}$`, 'm'), `${panel.title}: ${label}="${value}"`);
        }
      }
    }
  });

  it('has the panels docs/operations.md lists', () => {
    const exprs = queries.map((q) => q.expr.replace(/\s+/g, ''));
    const reads = (metric: string) => queries.some((q) => parsePromQL(q.expr).selectors.some((s) => s.metric === metric));
    for (const metric of [
      'http_request_duration_seconds_count',
      'pupero_outbox_unpublished',
      'pupero_withdrawals',
      'pupero_deposits',
      'pupero_wallet_sends',
      'pupero_trades',
      'pupero_offers',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      assert.ok(reads(metric), `a panel reads ${metric}`);
    }
    for (const q of ['0.5', '0.95']) {
      assert.ok(
        exprs.some(
          (e) =>
            e.startsWith(`histogram_quantile(${q},`) && e.includes('http_request_duration_seconds_bucket') && /by\([^)]*\ble\b/.test(e),
        ),
        `p${Number(q) * 100} latency`,
      );
    }
    assert.ok(exprs.some((e) => e.includes('status=~"5..'), '5xx rate'));
    for (const metric of ['pupero_withdrawals', 'pupero_deposits', 'pupero_wallet_sends', 'pupero_trades']) {
      assert.ok(
        queries.some(
          (q) => parsePromQL(q.expr).selectors.some((s) => s.metric === metric) && parsePromQL(q.expr).grouping.includes('state'),
        ),
        `${metric} by state`,
      );
    }
  });

  it('reads gauges from source the way the wallet manager is read: the same as the other services expose', () => {
    for (const service of ['transactions', 'offers', 'login', 'gateway']) {
      const source = metricsInSource(`services/${service}/src/app.ts`);
      assert.equal(source.service, service);
      const exposed = [...expositions[service]!.matchAll(/^# TYPE (pupero_\w+) gauge$/gm)].map((m) => m[1]).sort();
      assert.deepEqual(source.gauges.map((g) => g.name).sort(), exposed, service);
      for (const gauge of source.gauges) {
        const sampled = new Set<string>();
        for (const [, labels] of expositions[service]!.matchAll(new RegExp(`^${gauge.name}\\{([^}]*)\\}`, 'gm'))) {
          for (const [, label] of labels!.matchAll(/(\w+)="/g)) sampled.add(label!);
        }
        for (const label of sampled)
          assert.ok(['service', gauge.label].includes(label), `${gauge.name}{${label}} is the label its source names`);
      }
    }
    assert.deepEqual(
      metricsInSource('services/wallet-manager/src/app.ts').gauges,
      [
        { name: 'pupero_deposits', label: 'state' },
        { name: 'pupero_wallet_sends', label: 'state' },
      ],
      "the wallet manager's gauges",
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Prometheus and Grafana against the compose files

interface ComposeService {
  ports?: (string | { target: number | string })[];
  environment?: Record<string, string | number | null>;
  profiles?: string[];
}

/** `docker-compose … config`, read back as YAML by Debian's python3-yaml (as scripts/compose.test.ts does). */
function yamlToJson<T>(yaml: string): T {
  const json = spawnSync('/usr/bin/python3', ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], {
    input: yaml,
    encoding: 'utf8',
  });
  assert.equal(json.status, 0, `reading YAML failed:\n${json.stderr}`);
  return JSON.parse(json.stdout);
}

function composeConfig(args: string, env: Record<string, string> = {}): Record<string, ComposeService> {
  const result = spawnSync('sh', ['-c', `docker-compose ${args} config`], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: os.tmpdir(), ...env },
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, `docker-compose ${args} config failed:\n${result.stderr}`);
  return yamlToJson<{ services: Record<string, ComposeService> }>(result.stdout).services;
}

const PROD_SECRETS = Object.fromEntries(
  [...read('docker-compose.prod.yml').matchAll(/\$\{(\w+):\?/g)].map(([, name]) => [name!, `${name!.toLowerCase()}-${'x'.repeat(40)}`]),
);
const LAYOUTS = {
  'docker-compose.yml': () => composeConfig('--env-file Pupero-Assets/.env -f docker-compose.yml --profile monitoring'),
  'docker-compose.prod.yml': () => composeConfig('-f docker-compose.prod.yml --profile monitoring', PROD_SECRETS),
};

interface PrometheusConfig {
  global?: { scrape_interval?: string };
  scrape_configs: {
    job_name: string;
    scrape_interval?: string;
    metrics_path?: string;
    scheme?: string;
    static_configs: { targets: string[] }[];
  }[];
}

describe('compose/monitoring/prometheus.yml scrapes every service at its address inside the compose network', () => {
  const prometheus = yamlToJson<PrometheusConfig>(read('compose/monitoring/prometheus.yml'));

  it('every 15 s, /metrics over HTTP, one job per service that registers /metrics', () => {
    assert.equal(prometheus.global?.scrape_interval, '15s');
    assert.deepEqual(prometheus.scrape_configs.map((job) => job.job_name).sort(), METRIC_SERVICES.map((s) => s.service).sort());
    assert.deepEqual(METRIC_SERVICES.map((s) => s.service).sort(), [
      'frontend',
      'gateway',
      'login',
      'offers',
      'transactions',
      'wallet-manager',
    ]);
    for (const job of prometheus.scrape_configs) {
      assert.equal(job.scrape_interval ?? '15s', '15s', job.job_name);
      assert.equal(job.metrics_path ?? '/metrics', '/metrics', job.job_name);
      assert.equal(job.scheme ?? 'http', 'http', job.job_name);
    }
  });

  for (const [file, load] of Object.entries(LAYOUTS)) {
    it(`${file}: each job's target is the service's name and the port it listens on there`, () => {
      const services = load();
      for (const { dir } of METRIC_SERVICES) {
        const service = services[dir];
        assert.ok(service, `${file} runs ${dir}`);
        assert.ok(!service.profiles?.length, `${dir} runs without a profile`);
        const port = service.environment?.[`${dir.toUpperCase().replaceAll('-', '_')}_PORT`];
        assert.ok(port, `${file} sets the listen port of ${dir}`);
        const job = prometheus.scrape_configs.find((j) => j.job_name === dir);
        assert.deepEqual(
          job?.static_configs.flatMap((c) => c.targets),
          [`${dir}:${port}`],
          `${dir} is scraped at ${dir}:${port}`,
        );
        // Where the service publishes a port (development), its container side is the same port.
        for (const published of service.ports ?? []) {
          const target =
            typeof published === 'string'
              ? published
                  .replace(/\/\w+$/, '')
                  .split(':')
                  .pop()
              : published.target;
          assert.equal(Number(target), Number(port), `${dir}'s published port`);
        }
      }
      assert.deepEqual(services.prometheus?.profiles, ['monitoring']);
    });
  }

  it("Grafana's data source is that Prometheus, under the uid every panel uses", () => {
    const dir = 'compose/monitoring/grafana/provisioning/datasources';
    const sources = readdirSync(path.join(root, dir)).flatMap(
      (file) => yamlToJson<{ datasources: { uid: string; type: string; url: string }[] }>(read(`${dir}/${file}`)).datasources,
    );
    assert.equal(sources.length, 1);
    const [source] = sources;
    assert.equal(source!.type, 'prometheus');
    assert.equal(source!.url, 'http://prometheus:9090', 'the compose service prometheus, on its own port');
    for (const panel of panelsOf(dashboard.panels).filter((p) => p.type !== 'row')) {
      assert.deepEqual(panel.datasource, { type: 'prometheus', uid: source!.uid }, panel.title);
      for (const target of panel.targets ?? []) assert.deepEqual(target.datasource ?? panel.datasource, panel.datasource, panel.title);
    }
    const providers = yamlToJson<{ providers: { options: { path: string } }[] }>(
      read('compose/monitoring/grafana/provisioning/dashboards/pupero.yml'),
    );
    assert.deepEqual(
      providers.providers.map((p) => p.options.path),
      ['/etc/grafana/dashboards'],
      'the dashboards directory as the compose files mount it',
    );
  });
});
