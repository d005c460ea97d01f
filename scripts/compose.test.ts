// The Compose files, validated the way docs/operations.md runs them: its `up` commands are taken from
// the document, turned into `config` (Compose's own parser: interpolation, env files, merge keys,
// schema), and the normalized output is read back as YAML by Python's PyYAML, which Debian's
// docker-compose depends on (so no npm dependency is needed). No engine runs here, so nothing starts.
//
// Profiles: docker-compose 1.29 accepts `--profile` but its `config` prints every service, profile or
// not (v2 leaves out the disabled ones). Which services a profile enables is therefore worked out
// below from each service's `profiles`, by the Compose specification's rule.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { loadConfig as parseServiceConfig } from '@pupero/shared/config';
import { configSchema as frontendConfig } from '../services/frontend/src/config.ts';
import { configSchema as gatewayConfig } from '../services/gateway/src/config.ts';
import { configSchema as loginConfig } from '../services/login/src/config.ts';
import { configSchema as offersConfig } from '../services/offers/src/config.ts';
import { configSchema as transactionsConfig } from '../services/transactions/src/config.ts';
import { configSchema as walletManagerConfig } from '../services/wallet-manager/src/config.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const demoEnv = parseEnv(readFileSync(path.join(root, 'Pupero-Assets/.env'), 'utf8'));
const operations = readFileSync(path.join(root, 'docs/operations.md'), 'utf8');

const PROD_SECRETS = [
  'JWT_SECRET',
  'SERVICE_TOKEN_SECRET',
  'SESSION_SECRET',
  'CLIENT_ADDRESS_SECRET',
  'MARIADB_PASSWORD',
  'MARIADB_ROOT_PASSWORD',
  'RABBITMQ_PASSWORD',
  'MONERO_RPC_PASSWORD',
  'WALLET_PASSWORD',
];
const EDGE = ['frontend', 'gateway'];
/** A value for each production secret, as an operator's environment would hold them. */
const PROD_SECRET_VALUES = Object.fromEntries(PROD_SECRETS.map((name) => [name, `${name.toLowerCase()}-${'x'.repeat(40)}`]));

interface Port {
  host_ip?: string;
  published: number;
  target: number;
}
interface Service {
  image?: string;
  profiles?: string[];
  entrypoint?: string[];
  build?: { context: string; dockerfile?: string };
  ports?: (string | Port)[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
  networks?: Record<string, unknown>;
  environment?: Record<string, string | number | null>;
}
interface ComposeConfig {
  services: Record<string, Service>;
  networks?: Record<string, { internal?: boolean }>;
}

/** The line of docs/operations.md that starts the layout, as a `config` command with the same options. */
function configCommandFromDocs(upPrefix: string): string {
  const line = operations.split('\n').find((l) => l.startsWith(upPrefix));
  assert.ok(line, `docs/operations.md runs the stack with a line starting "${upPrefix}"`);
  return `${upPrefix.replace(/ up$/, '')} config`;
}
const DEV_UP = 'docker-compose --env-file Pupero-Assets/.env -f docker-compose.yml up';
const PROD_UP = 'docker-compose -f docker-compose.prod.yml up';
const DEV_MONITORING_UP = 'docker-compose --env-file Pupero-Assets/.env -f docker-compose.yml --profile monitoring up';
const PROD_MONITORING_UP = 'docker-compose -f docker-compose.prod.yml --profile monitoring up';
const DEV_MATRIX_UP = 'docker-compose --env-file Pupero-Assets/.env -f docker-compose.yml --profile matrix up';
const MONITORING = ['prometheus', 'grafana'];
const OPTIONAL = [...MONITORING, 'synapse'];

/** Runs a compose command in the repository with only the given variables in its environment. */
function compose(command: string, env: Record<string, string> = {}) {
  const installed = spawnSync('sh', ['-c', 'command -v docker-compose'], { encoding: 'utf8' });
  assert.equal(installed.status, 0, 'docker-compose is missing: apt-get install -y docker-compose');
  return spawnSync('sh', ['-c', command], { cwd: root, env: { PATH: process.env.PATH, HOME: os.tmpdir(), ...env }, encoding: 'utf8' });
}

function loadConfig(command: string, env: Record<string, string> = {}): ComposeConfig {
  const result = compose(command, env);
  assert.equal(result.status, 0, `${command} failed:\n${result.stderr}`);
  // Debian's python3, which has python3-yaml as a dependency of Debian's docker-compose.
  const json = spawnSync('/usr/bin/python3', ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], {
    input: result.stdout,
    encoding: 'utf8',
  });
  assert.equal(json.status, 0, `reading the YAML output failed:\n${json.stderr}`);
  return JSON.parse(json.stdout);
}

/** `127.0.0.1:8001:8001/tcp` (short form) or `{published, target}` (long form), as one shape. */
function portOf(entry: string | Port): Port {
  if (typeof entry !== 'string') return { ...entry, published: Number(entry.published), target: Number(entry.target) };
  const parts = entry.replace(/\/\w+$/, '').split(':');
  const target = Number(parts.pop());
  const published = Number(parts.pop());
  return { ...(parts.length ? { host_ip: parts.join(':') } : {}), published, target };
}

/** The `--profile` options of a command line. */
function profilesOf(command: string): string[] {
  return [...command.matchAll(/--profile[ =](\S+)/g)].map((m) => m[1]!);
}

/** The services `up` starts with these profiles enabled: those with no `profiles`, and those with an enabled one. */
function enabledServices(config: ComposeConfig, profiles: string[]): Record<string, Service> {
  return Object.fromEntries(
    Object.entries(config.services).filter(([, s]) => !s.profiles?.length || s.profiles.some((p) => profiles.includes(p))),
  );
}

/** Host ports of the services enabled by `profiles` (none: the default `up`). */
function publishedPorts(config: ComposeConfig, profiles: string[] = []): Record<string, number[]> {
  return Object.fromEntries(
    Object.entries(enabledServices(config, profiles))
      .filter(([, s]) => s.ports?.length)
      .map(([name, s]) => [name, (s.ports ?? []).map((p) => portOf(p).published)]),
  );
}

const healthy = { condition: 'service_healthy' };
const migrated = { condition: 'service_completed_successfully' };
const STARTUP_ORDER: Record<string, Service['depends_on']> = {
  'wallet-rpc': { monerod: healthy },
  migrations: { mariadb: healthy },
  login: { migrations: migrated },
  transactions: { migrations: migrated, rabbitmq: healthy, login: healthy },
  offers: { migrations: migrated, rabbitmq: healthy, login: healthy, transactions: healthy },
  'wallet-manager': { migrations: migrated, rabbitmq: healthy, monerod: healthy, 'wallet-rpc': healthy, transactions: healthy },
  gateway: { login: healthy, transactions: healthy, offers: healthy, 'wallet-manager': healthy },
  frontend: { migrations: migrated, gateway: healthy },
  grafana: { prometheus: { condition: 'service_started' } },
};

/** Development only: the regtest faucet's wallet RPC, which the wallet manager opens at startup. */
const DEV_STARTUP_ORDER: Record<string, Service['depends_on']> = {
  ...STARTUP_ORDER,
  'faucet-wallet-rpc': { monerod: healthy },
  'wallet-manager': { ...STARTUP_ORDER['wallet-manager'], 'faucet-wallet-rpc': healthy },
};

function assertStartupOrder(config: ComposeConfig, order: Record<string, Service['depends_on']>) {
  for (const [name, service] of Object.entries(config.services)) {
    assert.deepEqual(service.depends_on ?? {}, order[name] ?? {}, `depends_on of ${name}`);
  }
  const waitedOn = new Set(
    Object.values(config.services).flatMap((s) =>
      Object.entries(s.depends_on ?? {})
        .filter(([, d]) => d.condition === 'service_healthy')
        .map(([n]) => n),
    ),
  );
  // Compose refuses a service whose dependency no enabled profile starts.
  for (const profiles of [[], ['monitoring'], ['matrix']]) {
    const enabled = enabledServices(config, profiles);
    for (const [name, service] of Object.entries(enabled)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) {
        assert.ok(enabled[dependency], `${name} (profiles ${profiles}) depends on ${dependency}, which is enabled too`);
      }
    }
  }
  for (const name of waitedOn) {
    const service = config.services[name]!;
    const dockerfile = service.build?.dockerfile ?? '';
    // A service image's HEALTHCHECK is required and exercised by scripts/dockerfile-build.test.ts.
    const imageHealthcheck = /^services\/[\w-]+\/Dockerfile$/.test(dockerfile);
    assert.ok(service.healthcheck?.test?.length || imageHealthcheck, `${name} is waited on, so it has a healthcheck`);
    const file = path.join(root, dockerfile);
    if (imageHealthcheck && existsSync(file)) assert.match(readFileSync(file, 'utf8'), /^HEALTHCHECK /m, `${dockerfile} has a HEALTHCHECK`);
  }
}

/** Each Node service's own settings schema: what its server.ts parses at startup. */
const SERVICE_CONFIGS = {
  frontend: frontendConfig,
  gateway: gatewayConfig,
  login: loginConfig,
  offers: offersConfig,
  transactions: transactionsConfig,
  'wallet-manager': walletManagerConfig,
};

/** Parses every Node service's Compose environment with the service's own schema, as it would at startup. */
function assertServicesConfigured(config: ComposeConfig) {
  for (const [name, schema] of Object.entries(SERVICE_CONFIGS)) {
    const environment = config.services[name]?.environment ?? {};
    const env = Object.fromEntries(Object.entries(environment).flatMap(([k, v]) => (v === null ? [] : [[k, String(v)]])));
    assert.doesNotThrow(() => parseServiceConfig(schema, env), `${name} would refuse to start with its Compose environment`);
  }
}

describe('docker-compose.yml, the development layout, run as docs/operations.md says', () => {
  const command = configCommandFromDocs(DEV_UP);

  it('is valid for Compose', () => {
    const result = compose(`${command} -q`);
    assert.equal(result.status, 0, result.stderr);
  });

  it('publishes every port of the stack on 127.0.0.1, the host side taken from Pupero-Assets/.env', () => {
    const config = loadConfig(command);
    assert.deepEqual(publishedPorts(config), {
      frontend: [Number(demoEnv.FRONTEND_PORT)],
      gateway: [Number(demoEnv.GATEWAY_PORT)],
      login: [Number(demoEnv.LOGIN_PORT)],
      offers: [Number(demoEnv.OFFERS_PORT)],
      transactions: [Number(demoEnv.TRANSACTIONS_PORT)],
      'wallet-manager': [Number(demoEnv.WALLET_MANAGER_PORT)],
      rabbitmq: [15672],
      monerod: [Number(demoEnv.MONEROD_RPC_PORT)],
      'wallet-rpc': [Number(demoEnv.WALLET_RPC_PORT)],
    });
    for (const service of Object.values(config.services)) {
      for (const port of service.ports ?? []) assert.equal(portOf(port).host_ip, '127.0.0.1');
    }
  });

  it('follows the env file: other host ports there, other ports published', () => {
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'pupero-compose-'));
    try {
      const envFile = path.join(scratch, 'other.env');
      copyFileSync(path.join(root, 'Pupero-Assets/.env'), envFile);
      writeFileSync(envFile, `${readFileSync(envFile, 'utf8')}\nLOGIN_PORT=9101\nWALLET_RPC_PORT=29083\n`);
      const config = loadConfig(command.replace('Pupero-Assets/.env', envFile));
      assert.deepEqual(publishedPorts(config).login, [9101]);
      assert.deepEqual(publishedPorts(config)['wallet-rpc'], [29083]);
      assert.equal(portOf(config.services['wallet-rpc']!.ports![0]!).target, 18083, 'inside the network the port stays');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('starts in order through healthchecks, with the migrations once before the services', () => {
    assertStartupOrder(loadConfig(command), DEV_STARTUP_ORDER);
  });

  it('gives every Node service the settings its own config schema requires', () => {
    assertServicesConfigured(loadConfig(command));
  });

  it("runs monerod and the wallet on the .env file's network, and points the services inside the network", () => {
    const { services } = loadConfig(command);
    assert.equal(services.monerod?.environment?.MONEROD_ARGS, demoEnv.MONEROD_ARGS);
    assert.equal(services['wallet-rpc']?.environment?.MONERO_NETWORK, demoEnv.MONERO_NETWORK);
    assert.equal(services.gateway?.environment?.LOGIN_SERVICE_URL, 'http://login:8001');
    assert.match(String(services.login?.environment?.DATABASE_URL), /^mysql:\/\/pupero:[^@]+@mariadb:3306\/pupero$/);
    assert.equal(services.mariadb?.environment?.MARIADB_USER, 'pupero', 'the services use an application user, not root');
  });
});

describe('docker-compose.prod.yml, the production layout, run as docs/operations.md says', () => {
  const command = configCommandFromDocs(PROD_UP);
  const secrets = PROD_SECRET_VALUES;

  it('is valid for Compose once the secrets are in the environment', () => {
    const result = compose(`${command} -q`, secrets);
    assert.equal(result.status, 0, result.stderr);
  });

  for (const missing of PROD_SECRETS) {
    it(`refuses to run without ${missing}, naming it`, () => {
      const { [missing]: _left, ...others } = secrets;
      const result = compose(command, others);
      assert.notEqual(result.status, 0);
      // Compose prints the whole mapping it was interpolating; the reason comes after the service name.
      assert.match(result.stderr, new RegExp(`in service "[\\w-]+": set ${missing}\\b`));
    });
  }

  it('publishes only the frontend on 5000 and the gateway on 8000', () => {
    assert.deepEqual(publishedPorts(loadConfig(command, secrets)), { frontend: [5000], gateway: [8000] });
  });

  it('keeps every other service on the internal network only (monerod also reaches its peers)', () => {
    const config = loadConfig(command, secrets);
    assert.equal(config.networks?.internal?.internal, true);
    assert.notEqual(config.networks?.edge?.internal, true);
    for (const [name, service] of Object.entries(config.services)) {
      const networks = Object.keys(service.networks ?? {}).sort();
      if (EDGE.includes(name)) assert.deepEqual(networks, ['edge', 'internal'], name);
      else if (name === 'monerod') assert.deepEqual(networks, ['internal', 'p2p'], name);
      else assert.deepEqual(networks, ['internal'], name);
    }
  });

  it('restarts every long-running service; the migrations run once', () => {
    for (const [name, service] of Object.entries(loadConfig(command, secrets).services)) {
      if (name === 'migrations') assert.equal(service.restart, 'no');
      else assert.ok(['always', 'unless-stopped'].includes(service.restart ?? ''), `restart policy of ${name}`);
    }
  });

  it('starts in order through healthchecks', () => {
    assertStartupOrder(loadConfig(command, secrets), STARTUP_ORDER);
  });

  it('takes nothing from the demo .env, and hands the wallet secrets only to the wallet', () => {
    const { services } = loadConfig(command, secrets);
    const demoSecrets = Object.entries(demoEnv).filter(([k]) => /SECRET|PASSWORD/.test(k));
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        assert.ok(!demoSecrets.some(([, demo]) => demo && String(value).includes(demo)), `${name}.${key} is not a demo value`);
        if (key === 'WALLET_PASSWORD' || key === 'MONERO_RPC_PASSWORD') assert.ok(['wallet-rpc', 'wallet-manager'].includes(name), name);
      }
    }
    assert.equal(services.monerod?.environment?.MONEROD_ARGS, '--testnet', 'testnet unless MONEROD_ARGS says otherwise');
    assert.equal(services['wallet-rpc']?.environment?.MONERO_NETWORK, 'testnet');
  });

  it('gives every Node service the settings its own config schema requires; the public-facing ones share only the client-address secret', () => {
    const config = loadConfig(command, secrets);
    assertServicesConfigured(config);
    for (const name of EDGE) {
      const environment = config.services[name]?.environment ?? {};
      assert.equal(environment.CLIENT_ADDRESS_SECRET, secrets.CLIENT_ADDRESS_SECRET, `${name} can sign or check the browser's address`);
      assert.ok(
        !('SERVICE_TOKEN_SECRET' in environment),
        `${name} faces the internet and must not be able to call the ledger as a service`,
      );
    }
    assert.ok(!('CLIENT_ADDRESS_SECRET' in (config.services.login?.environment ?? {})));
  });

  it('passes FRONTEND_TRUST_PROXY through, for the TLS proxy in front of the frontend', () => {
    const config = loadConfig(command, { ...secrets, FRONTEND_TRUST_PROXY: '10.0.0.5' });
    assert.equal(config.services.frontend?.environment?.FRONTEND_TRUST_PROXY, '10.0.0.5');
    assert.equal(loadConfig(command, secrets).services.frontend?.environment?.FRONTEND_TRUST_PROXY, 'false');
  });

  it('switches to mainnet only when both MONEROD_ARGS and MONERO_NETWORK are set', () => {
    const { services } = loadConfig(command, { ...secrets, MONEROD_ARGS: '', MONERO_NETWORK: 'mainnet' });
    assert.equal(services.monerod?.environment?.MONEROD_ARGS, '');
    assert.equal(services.monerod?.environment?.MONERO_NETWORK, 'mainnet');
    assert.equal(services['wallet-manager']?.environment?.MONERO_NETWORK, 'mainnet');
  });
});

/** `src:dst[:mode]` bind mounts of a service (Compose prints their sources as absolute paths). */
function bindMounts(service: Service & { volumes?: string[] }): Record<string, string> {
  return Object.fromEntries(
    (service.volumes ?? [])
      .map((v) => v.split(':'))
      .filter(([source]) => source?.startsWith('/'))
      .map(([source, target]) => [target!, source!]),
  );
}

/** Runs a service's `entrypoint` (a `/bin/sh -c` script) here, with the environment Compose gives it. */
function runEntrypoint(service: Service, edit: (script: string) => string = (script) => script) {
  const [shell, flag, script, ...args] = service.entrypoint ?? [];
  assert.equal(`${shell} ${flag}`, '/bin/sh -c');
  // The printed configuration is itself a compose file, so its `$` are escaped as `$$`.
  const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v ?? '')]));
  return spawnSync('/bin/sh', ['-c', edit(script!.replaceAll('$$', '$')), ...args], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  });
}

describe('the optional profiles, off unless named: monitoring (both layouts) and matrix (development)', () => {
  const layouts = { development: { up: DEV_UP, env: {} }, production: { up: PROD_UP, env: PROD_SECRET_VALUES } };

  for (const [layout, { up, env }] of Object.entries(layouts)) {
    it(`${layout}: \`up\` without --profile starts neither Prometheus, Grafana nor Synapse`, () => {
      const command = configCommandFromDocs(up);
      assert.deepEqual(profilesOf(command), []);
      const config = loadConfig(command, env);
      const enabled = Object.keys(enabledServices(config, []));
      for (const name of OPTIONAL) assert.ok(!enabled.includes(name), `${name} is not started by default`);
      assert.deepEqual(config.services.prometheus?.profiles, ['monitoring']);
      assert.deepEqual(config.services.grafana?.profiles, ['monitoring']);
      if (layout === 'development') assert.deepEqual(config.services.synapse?.profiles, ['matrix']);
      else assert.equal(config.services.synapse, undefined, 'no Matrix homeserver in production');
    });
  }

  it('development, --profile monitoring as docs/operations.md runs it: Prometheus on 127.0.0.1:9090, Grafana on 127.0.0.1:3000', () => {
    const command = configCommandFromDocs(DEV_MONITORING_UP);
    const profiles = profilesOf(command);
    assert.deepEqual(profiles, ['monitoring']);
    const config = loadConfig(command);
    const enabled = enabledServices(config, profiles);
    assert.ok(enabled.prometheus && enabled.grafana && !enabled.synapse);
    const ports = publishedPorts(config, profiles);
    assert.deepEqual(ports.prometheus, [9090]);
    assert.deepEqual(ports.grafana, [3000]);
    for (const name of MONITORING) assert.equal(portOf(config.services[name]!.ports![0]!).host_ip, '127.0.0.1', name);
    assert.equal(config.services.grafana?.environment?.GF_SECURITY_ADMIN_PASSWORD, 'pupero-dev-only', 'a development default');
  });

  it('production, --profile monitoring as docs/operations.md runs it: both on `internal` only, still only 5000 and 8000 published', () => {
    const command = configCommandFromDocs(PROD_MONITORING_UP);
    const profiles = profilesOf(command);
    assert.deepEqual(profiles, ['monitoring']);
    const config = loadConfig(command, PROD_SECRET_VALUES);
    const enabled = enabledServices(config, profiles);
    assert.ok(enabled.prometheus && enabled.grafana);
    assert.deepEqual(publishedPorts(config, profiles), { frontend: [5000], gateway: [8000] });
    for (const name of MONITORING) {
      assert.deepEqual(Object.keys(config.services[name]!.networks ?? {}), ['internal'], name);
      assert.equal(config.services[name]!.restart, 'unless-stopped', name);
    }
  });

  for (const [layout, { up, env }] of Object.entries(layouts)) {
    it(`${layout}: pinned images, and the mounted configuration files exist`, () => {
      const config = loadConfig(configCommandFromDocs(up), env);
      const images = { prometheus: /^prom\/prometheus:v\d+\.\d+\.\d+$/, grafana: /^grafana\/grafana:\d+\.\d+\.\d+$/ };
      for (const [name, pattern] of Object.entries(images)) assert.match(config.services[name]?.image ?? '', pattern, name);
      if (layout === 'development') assert.match(config.services.synapse?.image ?? '', /^matrixdotorg\/synapse:v\d+\.\d+\.\d+$/);
      const mounts = { ...bindMounts(config.services.prometheus!), ...bindMounts(config.services.grafana!) };
      assert.deepEqual(mounts, {
        '/etc/prometheus/prometheus.yml': path.join(root, 'compose/monitoring/prometheus.yml'),
        '/etc/grafana/provisioning': path.join(root, 'compose/monitoring/grafana/provisioning'),
        '/etc/grafana/dashboards': path.join(root, 'compose/monitoring/grafana/dashboards'),
      });
      for (const source of Object.values(mounts)) assert.ok(existsSync(source), source);
      const home = config.services.grafana?.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
      assert.equal(home, '/etc/grafana/dashboards/pupero.json');
      assert.ok(existsSync(path.join(root, 'compose/monitoring/grafana/dashboards/pupero.json')));
    });
  }

  it("production Grafana requires GRAFANA_ADMIN_PASSWORD: without it Grafana stops, naming it (the rest of the stack doesn't need it)", () => {
    // Compose checks ${VAR:?} in every service, whatever the profiles, so a `:?` in the file would make
    // the Grafana password a secret of every deployment; the container's shell checks it instead.
    const command = configCommandFromDocs(PROD_MONITORING_UP);
    const without = loadConfig(command, PROD_SECRET_VALUES).services.grafana!;
    assert.equal(without.environment?.GF_SECURITY_ADMIN_PASSWORD, undefined, 'no default password');
    assert.match(without.entrypoint?.[2] ?? '', /exec \/run\.sh$/, "ends in the image's own entrypoint");
    const refused = runEntrypoint(without);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /GRAFANA_ADMIN_PASSWORD: set GRAFANA_ADMIN_PASSWORD\b/);

    const password = `grafana-${'y'.repeat(40)}`;
    const withIt = loadConfig(command, { ...PROD_SECRET_VALUES, GRAFANA_ADMIN_PASSWORD: password }).services.grafana!;
    const started = runEntrypoint(withIt, (script) => script.replace(/exec \/run\.sh$/, 'exec env'));
    assert.equal(started.status, 0, started.stderr);
    const seen = parseEnv(started.stdout);
    assert.equal(seen.GF_SECURITY_ADMIN_PASSWORD, password, "Grafana's admin password");
    assert.equal(seen.GRAFANA_ADMIN_PASSWORD, undefined);
  });

  it('development, --profile matrix as docs/operations.md runs it: Synapse on 127.0.0.1:8008, its configuration generated on first start', () => {
    const command = configCommandFromDocs(DEV_MATRIX_UP);
    const profiles = profilesOf(command);
    assert.deepEqual(profiles, ['matrix']);
    const config = loadConfig(command);
    const enabled = enabledServices(config, profiles);
    assert.ok(enabled.synapse && !enabled.prometheus && !enabled.grafana);
    assert.deepEqual(publishedPorts(config, profiles).synapse, [8008]);
    assert.equal(portOf(config.services.synapse!.ports![0]!).host_ip, '127.0.0.1');
    const synapse = config.services.synapse!;
    assert.equal(synapse.environment?.SYNAPSE_REPORT_STATS, 'no');
    assert.equal(synapse.environment?.SYNAPSE_SERVER_NAME, 'localhost');

    // The entrypoint against a stand-in for the image's /start.py: `generate` once, then run, every time.
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'pupero-synapse-'));
    try {
      const startPy = path.join(scratch, 'start.py');
      writeFileSync(startPy, `#!/bin/sh\necho "start.py [$*]"\n[ "$1" = generate ] && touch ${scratch}/homeserver.yaml\nexit 0\n`, {
        mode: 0o755,
      });
      const edit = (script: string) =>
        script.replaceAll('/data/homeserver.yaml', path.join(scratch, 'homeserver.yaml')).replaceAll('/start.py', startPy);
      const first = runEntrypoint(synapse, edit);
      assert.equal(first.status, 0, first.stderr);
      assert.deepEqual(first.stdout.trim().split('\n'), ['start.py [generate]', 'start.py []']);
      const second = runEntrypoint(synapse, edit);
      assert.deepEqual(second.stdout.trim().split('\n'), ['start.py []']);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
