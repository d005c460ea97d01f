// The Compose files, validated the way docs/operations.md runs them: its `up` commands are taken from
// the document, turned into `config` (Compose's own parser: interpolation, env files, merge keys,
// schema), and the normalized output is read back as YAML by Python's PyYAML, which Debian's
// docker-compose depends on (so no npm dependency is needed). No engine runs here, so nothing starts;
// what the containers would do with their settings is checked by parsing each Node service's
// environment with its own config schema, reading its secrets from the files Compose would mount, and
// by running the monero image's entrypoints here with stand-ins for monerod and monero-wallet-rpc.
//
// The production layout is checked with a secrets directory written by compose/generate-secrets.sh,
// as an operator would, and the public keys it prints.
//
// Profiles: docker-compose 1.29 accepts `--profile` but its `config` prints every service, profile or
// not (v2 leaves out the disabled ones). Which services a profile enables is therefore worked out
// below from each service's `profiles`, by the Compose specification's rule.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { configSchema as frontendConfig } from '@pupero/frontend/testing';
import { configSchema as gatewayConfig } from '@pupero/gateway/testing';
import { configSchema as loginConfig } from '@pupero/login/testing';
import { configSchema as offersConfig } from '@pupero/offers/testing';
import { loadConfig as parseServiceConfig } from '@pupero/shared/config';
import { callersOf, type ServiceName } from '@pupero/shared/key-plan';
import { generateKeyPair, keyId, peerKeysFrom, publicKeyFrom, publicKeysFrom, signingKeyFrom } from '@pupero/shared/keys';
import { configSchema as transactionsConfig } from '@pupero/transactions/testing';
import { configSchema as walletManagerConfig } from '@pupero/wallet-manager/testing';

const root = fileURLToPath(new URL('..', import.meta.url));
const demoEnv = parseEnv(readFileSync(path.join(root, 'Pupero-Assets/.env'), 'utf8'));
const operations = readFileSync(path.join(root, 'docs/operations.md'), 'utf8');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'pupero-compose-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The variables docker-compose.prod.yml requires (`${VAR:?…}`): the public keys. */
const PROD_REQUIRED = [
  'ACCESS_TOKEN_PUBLIC_KEYS',
  'LOGIN_PUBLIC_KEY',
  'OFFERS_PUBLIC_KEY',
  'TRANSACTIONS_PUBLIC_KEY',
  'WALLET_MANAGER_PUBLIC_KEY',
  'FRONTEND_PUBLIC_KEY',
];

/** A production secrets directory, written as docs/operations.md says, and the operator's environment. */
function productionSecrets(): Record<string, string> {
  const dir = path.join(scratch, 'secrets');
  const generated = spawnSync('sh', [path.join(root, 'compose/generate-secrets.sh'), dir], { encoding: 'utf8' });
  assert.equal(generated.status, 0, `compose/generate-secrets.sh failed:\n${generated.stderr}`);
  return { ...parseEnv(readFileSync(path.join(dir, 'public-keys.env'), 'utf8')), PUPERO_SECRETS_DIR: dir } as Record<string, string>;
}
const PROD_ENV = productionSecrets();

interface Port {
  host_ip?: string;
  published: number;
  target: number;
}
interface Service {
  image?: string;
  command?: string[];
  profiles?: string[];
  entrypoint?: string[];
  build?: { context: string; dockerfile?: string };
  ports?: (string | Port)[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
  networks?: Record<string, { ipv4_address?: string } | null>;
  environment?: Record<string, string | number | null>;
  secrets?: { source: string; target?: string }[];
  volumes?: string[];
}
interface ComposeConfig {
  services: Record<string, Service>;
  networks?: Record<string, { internal?: boolean; ipam?: { config?: { subnet?: string; ip_range?: string }[] } }>;
  secrets?: Record<string, { file: string }>;
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

const configs = new Map<string, ComposeConfig>();
function loadConfig(command: string, env: Record<string, string> = {}): ComposeConfig {
  const key = JSON.stringify([command, env]);
  const cached = configs.get(key);
  if (cached) return structuredClone(cached);
  const result = compose(command, env);
  assert.equal(result.status, 0, `${command} failed:\n${result.stderr}`);
  // Debian's python3, which has python3-yaml as a dependency of Debian's docker-compose.
  const json = spawnSync('/usr/bin/python3', ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], {
    input: result.stdout,
    encoding: 'utf8',
  });
  assert.equal(json.status, 0, `reading the YAML output failed:\n${json.stderr}`);
  configs.set(key, JSON.parse(json.stdout));
  return structuredClone(configs.get(key)!);
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

/** The networks a service joins (`default` when the file names none). */
function networksOf(service: Service): string[] {
  return Object.keys(service.networks ?? { default: null }).sort();
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
const NODE_SERVICES = Object.keys(SERVICE_CONFIGS) as (keyof typeof SERVICE_CONFIGS)[];

/** Where each secret of a service is mounted in its container, and the file Compose mounts there. */
function mountedSecrets(config: ComposeConfig, name: string): Map<string, string> {
  return new Map(
    (config.services[name]?.secrets ?? []).map(({ source, target }) => {
      const file = config.secrets?.[source]?.file;
      assert.ok(file, `secret ${source} of ${name} is declared with a file`);
      const mountedAt = target?.startsWith('/') ? target : `/run/secrets/${target ?? source}`;
      return [mountedAt, file];
    }),
  );
}

/**
 * A service's environment with each `X_FILE` pointing at the file Compose would mount there (so the
 * schema, or an entrypoint run here, reads the real file); a `_FILE` naming a path the service does
 * not have mounted fails.
 */
function hostEnvironment(config: ComposeConfig, name: string): Record<string, string> {
  const mounted = mountedSecrets(config, name);
  return Object.fromEntries(
    Object.entries(config.services[name]?.environment ?? {}).flatMap(([key, value]) => {
      if (value === null) return [];
      if (!key.endsWith('_FILE')) return [[key, String(value)]];
      const file = mounted.get(String(value));
      assert.ok(file, `${name}.${key} names ${value}, which is a secret mounted into ${name}`);
      return [[key, file]];
    }),
  );
}

/** What the service's process sees: every `X_FILE` read into X (X itself wins, as in loadConfig). */
function resolvedEnvironment(config: ComposeConfig, name: string): Record<string, string> {
  const env = hostEnvironment(config, name);
  for (const [key, file] of Object.entries(env)) {
    if (key.endsWith('_FILE') && env[key.slice(0, -5)] === undefined) env[key.slice(0, -5)] = readFileSync(file, 'utf8').trim();
  }
  return env;
}

/** The names of a service's environment, with `X_FILE` counted as X. */
function variablesOf(service: Service | undefined): string[] {
  return Object.keys(service?.environment ?? {}).map((key) => key.replace(/_FILE$/, ''));
}

/** Parses every Node service's Compose environment with the service's own schema, as it would at startup. */
function assertServicesConfigured(config: ComposeConfig) {
  for (const [name, schema] of Object.entries(SERVICE_CONFIGS)) {
    const env = hostEnvironment(config, name);
    assert.doesNotThrow(() => parseServiceConfig(schema, env), `${name} would refuse to start with its Compose environment`);
    // Nothing the service would not read: another service's setting in its environment is a leak.
    const known = new Set([...Object.keys(schema.shape), 'NODE_ENV']);
    for (const variable of variablesOf(config.services[name]))
      assert.ok(known.has(variable), `${name} gets ${variable}, which it never reads`);
  }
}

/** `user` and `password` of a service's DATABASE_URL or RABBITMQ_URL, as its process reads it. */
function credentialsOf(config: ComposeConfig, name: string, variable: 'DATABASE_URL' | 'RABBITMQ_URL') {
  const value = resolvedEnvironment(config, name)[variable];
  if (value === undefined) return undefined;
  const url = new URL(value);
  return { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password), host: url.host };
}

const DATABASE_USERS: Record<string, string> = {
  login: 'pupero_login',
  offers: 'pupero_offers',
  transactions: 'pupero_transactions',
  'wallet-manager': 'pupero_wallet',
  frontend: 'pupero_frontend',
};
/** The variable through which the migrations get each service user's password. */
const MIGRATION_PASSWORDS: Record<string, string> = {
  login: 'LOGIN_DATABASE_PASSWORD',
  offers: 'OFFERS_DATABASE_PASSWORD',
  transactions: 'TRANSACTIONS_DATABASE_PASSWORD',
  'wallet-manager': 'WALLET_DATABASE_PASSWORD',
  frontend: 'FRONTEND_DATABASE_PASSWORD',
};
const BROKER_USERS: Record<string, string> = { transactions: 'pupero-transactions', 'wallet-manager': 'pupero-wallet-manager' };
const PRIVATE_KEY_VARIABLES = ['ACCESS_TOKEN_SIGNING_KEY', 'SERVICE_SIGNING_KEY'];
const REMOVED_SECRETS = ['JWT_SECRET', 'SERVICE_TOKEN_SECRET', 'CLIENT_ADDRESS_SECRET'];
const WALLET_CONTAINERS = ['monerod', 'wallet-rpc', 'faucet-wallet-rpc', 'wallet-manager'];

/** Whether a file holds a private key (whatever variable names it). */
function holdsPrivateKey(file: string): boolean {
  try {
    signingKeyFrom(readFileSync(file, 'utf8').trim());
    return true;
  } catch {
    return false;
  }
}

/** Runs one of the monero image's entrypoints here, with `binary` replaced by a script that prints its arguments. */
function runMoneroEntrypoint(script: string[], binary: string, env: Record<string, string>): string[] {
  const bin = mkdtempSync(path.join(scratch, 'bin-'));
  const argsFile = path.join(bin, 'args');
  writeFileSync(path.join(bin, binary), `#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > ${argsFile}\n`, { mode: 0o755 });
  const run = spawnSync('sh', [path.join(root, 'compose/monero', script[0]!), ...script.slice(1)], {
    env: { PATH: `${bin}:${process.env.PATH}`, ...env },
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, `${script[0]} failed:\n${run.stderr}`);
  return readFileSync(argsFile, 'utf8').trim().split('\n');
}

/** The value after `flag` in an argument list. */
function option(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index === -1 ? undefined : args[index + 1];
}

/** monerod's arguments and wallet-rpc's, as each container would start them. */
function moneroCommands(config: ComposeConfig) {
  const monerod = config.services.monerod!;
  const monerodArgs = runMoneroEntrypoint(monerod.command ?? [], 'monerod', hostEnvironment(config, 'monerod'));
  const wallets = Object.fromEntries(
    ['wallet-rpc', 'faucet-wallet-rpc']
      .filter((name) => config.services[name])
      .map((name) => {
        const env = hostEnvironment(config, name);
        // An existing wallet, so the entrypoint goes straight to the real wallet RPC.
        const walletDir = mkdtempSync(path.join(scratch, 'wallets-'));
        writeFileSync(path.join(walletDir, `${resolvedEnvironment(config, name).WALLET_NAME}.keys`), '');
        return [name, runMoneroEntrypoint(config.services[name]!.command ?? [], 'monero-wallet-rpc', { ...env, WALLET_DIR: walletDir })];
      }),
  );
  return { monerodArgs, wallets };
}

/** Public keys of a service's SERVICE_PUBLIC_KEYS, by caller, as key ids. */
function peerKeyIds(env: Record<string, string>): Record<string, string[]> {
  const peers = peerKeysFrom(env.SERVICE_PUBLIC_KEYS ?? '');
  return Object.fromEntries([...peers].map(([name, keys]) => [name, [...keys.keys()].sort()]));
}

/** The checks of issue 10 ("custody that survives one compromised part"), for one layout. */
function leastPrivilegeChecks(layout: string, load: () => ComposeConfig) {
  describe(`${layout}: each part holds only its own keys and credentials`, () => {
    it('gives each service with a database its own MariaDB user and password, created by the migrations as root', () => {
      const config = load();
      const passwords = new Set<string>();
      const migrations = resolvedEnvironment(config, 'migrations');
      for (const name of Object.keys(config.services)) {
        const database = credentialsOf(config, name, 'DATABASE_URL');
        if (name === 'migrations') {
          assert.equal(database?.user, 'root', 'the migrations create the users: they run as root');
          continue;
        }
        assert.equal(database?.user, DATABASE_USERS[name], `${name}'s database user`);
        if (!database) continue;
        assert.equal(database.host, 'mariadb:3306');
        assert.ok(database.password.length >= 16, `${name}'s database password`);
        assert.ok(!passwords.has(database.password), `${name}'s database password is its own`);
        passwords.add(database.password);
        assert.equal(
          migrations[MIGRATION_PASSWORDS[name]!],
          database.password,
          `the migrations create ${database.user} with ${name}'s password`,
        );
      }
      assert.deepEqual(
        Object.keys(DATABASE_USERS).filter((name) => !config.services[name]),
        [],
      );
      const mariadb = variablesOf(config.services.mariadb);
      assert.ok(!mariadb.includes('MARIADB_USER') && !mariadb.includes('MARIADB_PASSWORD'), 'no application user with every right');
    });

    it('gives the migrations what their runner accepts (it stops at the database, which does not run here)', () => {
      const config = load();
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'packages/shared/src/db/migrate-cli.ts'], {
        cwd: root,
        env: { PATH: process.env.PATH, ...hostEnvironment(config, 'migrations') },
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.doesNotMatch(run.stderr, /Invalid configuration/, run.stderr);
      assert.notEqual(run.status, 0, 'no database to reach here');
    });

    it('gives only transactions and the wallet manager a broker URL, each with its own RabbitMQ user', () => {
      const config = load();
      const brokers = Object.fromEntries(
        Object.keys(config.services).flatMap((name) => {
          const broker = credentialsOf(config, name, 'RABBITMQ_URL');
          return broker ? [[name, broker]] : [];
        }),
      );
      assert.deepEqual(Object.keys(brokers).sort(), Object.keys(BROKER_USERS).sort());
      for (const [name, broker] of Object.entries(brokers)) {
        assert.equal(broker.user, BROKER_USERS[name], `${name}'s broker user`);
        assert.equal(broker.host, 'rabbitmq:5672');
      }
      assert.notEqual(brokers.transactions?.password, brokers['wallet-manager']?.password);
      const rabbitmq = config.services.rabbitmq!;
      assert.ok(!variablesOf(rabbitmq).some((v) => v.startsWith('RABBITMQ_DEFAULT_')), 'no default user shared by the services');
      const mounts = bindMounts(rabbitmq);
      assert.deepEqual(mounts, {
        '/etc/rabbitmq/rabbitmq.conf': path.join(root, 'compose/rabbitmq/rabbitmq.conf'),
        '/etc/rabbitmq/definitions.json': path.join(root, 'compose/rabbitmq/definitions.json'),
      });
      for (const source of Object.values(mounts)) assert.ok(existsSync(source), `${source} exists`);
    });

    it('hands private keys out one holder each: the access-token key to login alone, none to the gateway, only its own to the frontend', () => {
      const config = load();
      const signing: Record<string, string> = {};
      for (const name of Object.keys(config.services)) {
        const variables = variablesOf(config.services[name]);
        const env = resolvedEnvironment(config, name);
        if (name !== 'login') assert.ok(!variables.includes('ACCESS_TOKEN_SIGNING_KEY'), `${name} cannot sign access tokens`);
        if (name === 'gateway')
          assert.deepEqual(
            variables.filter((v) => PRIVATE_KEY_VARIABLES.includes(v)),
            [],
            'the gateway holds no private key',
          );
        if (name === 'frontend')
          assert.deepEqual(
            variables.filter((v) => v.startsWith('ACCESS_TOKEN_')),
            [],
            'no access-token key of any kind',
          );
        // A private key mounted into a container is one the service names as its own.
        const own = new Set(PRIVATE_KEY_VARIABLES.map((v) => hostEnvironment(config, name)[`${v}_FILE`]).filter(Boolean));
        for (const file of mountedSecrets(config, name).values()) {
          if (holdsPrivateKey(file))
            assert.ok(own.has(file), `${name} has the private key ${file} mounted, but does not name it as its own`);
        }
        if (env.SERVICE_SIGNING_KEY) signing[name] = signingKeyFrom(env.SERVICE_SIGNING_KEY).kid;
      }
      assert.deepEqual(Object.keys(signing).sort(), ['frontend', 'login', 'offers', 'transactions', 'wallet-manager']);
      assert.equal(new Set(Object.values(signing)).size, 5, 'each service signs with a key of its own');

      // Each callee believes exactly its callers (the key plan), by the callers' own keys; each verifier, login's key.
      const login = resolvedEnvironment(config, 'login');
      const accessTokenKid = signingKeyFrom(login.ACCESS_TOKEN_SIGNING_KEY!).kid;
      assert.ok(!Object.values(signing).includes(accessTokenKid), "the access-token key is not login's service key");
      for (const name of NODE_SERVICES) {
        const env = resolvedEnvironment(config, name);
        const expected = Object.fromEntries(callersOf[name as ServiceName].map((caller) => [caller, [signing[caller]]]));
        assert.deepEqual(peerKeyIds(env), expected, `the callers ${name} believes`);
        if (name === 'frontend') continue;
        assert.deepEqual(
          [...publicKeysFrom(env.ACCESS_TOKEN_PUBLIC_KEYS ?? '').keys()],
          [accessTokenKid],
          `${name} checks login's access tokens`,
        );
      }
    });

    it('has none of the shared secrets of the past (JWT_SECRET, SERVICE_TOKEN_SECRET, CLIENT_ADDRESS_SECRET)', () => {
      const config = load();
      for (const [name, service] of Object.entries(config.services)) {
        for (const removed of REMOVED_SECRETS) assert.ok(!variablesOf(service).includes(removed), `${name} has ${removed}`);
      }
    });

    it('runs monerod with an RPC login, on a network that only the wallet RPCs and the wallet manager share', () => {
      const config = load();
      const { monerodArgs, wallets } = moneroCommands(config);
      const monerodEnv = resolvedEnvironment(config, 'monerod');
      const login = `${monerodEnv.MONEROD_RPC_USER}:${monerodEnv.MONEROD_RPC_PASSWORD}`;
      assert.equal(option(monerodArgs, '--rpc-login'), login);
      assert.ok(monerodEnv.MONEROD_RPC_PASSWORD && monerodEnv.MONEROD_RPC_PASSWORD.length >= 16);
      for (const network of networksOf(config.services.monerod!)) {
        const members = Object.entries(config.services)
          .filter(([, service]) => networksOf(service).includes(network))
          .map(([name]) => name);
        for (const member of members) assert.ok(WALLET_CONTAINERS.includes(member), `${member} shares ${network} with monerod`);
      }
      // The wallet RPCs reach monerod's restricted RPC with its login; the wallet manager has the same login.
      const restrictedPort = monerodArgs.includes('--restricted-rpc')
        ? option(monerodArgs, '--rpc-bind-port')
        : option(monerodArgs, '--rpc-restricted-bind-port');
      assert.ok(restrictedPort, 'monerod serves a restricted RPC');
      for (const [name, args] of Object.entries(wallets)) {
        assert.equal(option(args, '--daemon-login'), login, `${name} logs in to monerod`);
        assert.equal(option(args, '--daemon-address'), `monerod:${restrictedPort}`, `${name} uses the restricted RPC`);
      }
      const manager = resolvedEnvironment(config, 'wallet-manager');
      assert.equal(`${manager.MONEROD_RPC_USER}:${manager.MONEROD_RPC_PASSWORD}`, login, 'the wallet manager logs in to monerod');
      for (const [name, service] of Object.entries(config.services)) {
        if (!WALLET_CONTAINERS.includes(name))
          assert.ok(!variablesOf(service).includes('MONEROD_RPC_PASSWORD'), `${name} has monerod's login`);
      }
    });

    it("believes X-Forwarded-For from the gateway's fixed address alone", () => {
      const config = load();
      const gateway = config.services.gateway!;
      const [network, settings] = Object.entries(gateway.networks ?? {}).find(([, n]) => n?.ipv4_address) ?? [];
      const address = settings?.ipv4_address;
      assert.ok(network && address, 'the gateway has a fixed address');
      const ipam = config.networks?.[network]?.ipam?.config?.[0];
      assert.ok(ipam?.subnet && inSubnet(address, ipam.subnet), `${address} is in ${network}'s subnet`);
      assert.ok(ipam.ip_range && !inSubnet(address, ipam.ip_range), 'outside the range Docker hands out, so no other container takes it');
      for (const name of ['login', 'offers', 'transactions', 'wallet-manager']) {
        const service = config.services[name]!;
        assert.equal(service.environment?.TRUST_PROXY, address, `${name} trusts the gateway alone`);
        assert.ok(networksOf(service).includes(network), `${name} is reached by the gateway on ${network}`);
      }
      for (const name of Object.keys(config.services).filter((n) => !['login', 'offers', 'transactions', 'wallet-manager'].includes(n))) {
        assert.equal(config.services[name]!.environment?.TRUST_PROXY, undefined, `${name} has no TRUST_PROXY`);
      }
      assert.equal(gateway.environment?.GATEWAY_TRUST_PROXY, 'false');
      assert.equal(config.services.frontend?.environment?.FRONTEND_TRUST_PROXY, 'false');
    });

    it('tells every Node service the Monero network', () => {
      const config = load();
      const network = config.services.monerod?.environment?.MONERO_NETWORK;
      assert.ok(network);
      for (const name of NODE_SERVICES) assert.equal(config.services[name]?.environment?.MONERO_NETWORK, network, name);
    });
  });
}

/** RabbitMQ's check of a definitions user: a plain `password`, or a salted SHA-256/512 `password_hash`. */
function rabbitmqPasswordMatches(user: { password?: string; password_hash?: string; hashing_algorithm?: string }, password: string) {
  if (user.password !== undefined) return user.password === password;
  const hash = Buffer.from(user.password_hash ?? '', 'base64');
  const algorithm = user.hashing_algorithm === 'rabbit_password_hashing_sha512' ? 'sha512' : 'sha256';
  const salt = hash.subarray(0, 4);
  return createHash(algorithm)
    .update(Buffer.concat([salt, Buffer.from(password)]))
    .digest()
    .equals(hash.subarray(4));
}

/** Whether an IPv4 address is inside `a.b.c.d/n`. */
function inSubnet(address: string, cidr: string): boolean {
  const toNumber = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toNumber(address) / size) === Math.floor(toNumber(base!) / size);
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
    const dir = mkdtempSync(path.join(scratch, 'env-'));
    const envFile = path.join(dir, 'other.env');
    copyFileSync(path.join(root, 'Pupero-Assets/.env'), envFile);
    writeFileSync(envFile, `${readFileSync(envFile, 'utf8')}\nLOGIN_PORT=9101\nWALLET_RPC_PORT=29083\n`);
    const config = loadConfig(command.replace('Pupero-Assets/.env', envFile));
    assert.deepEqual(publishedPorts(config).login, [9101]);
    assert.deepEqual(publishedPorts(config)['wallet-rpc'], [29083]);
    assert.equal(portOf(config.services['wallet-rpc']!.ports![0]!).target, 18083, 'inside the network the port stays');
  });

  it('starts in order through healthchecks, with the migrations once before the services', () => {
    assertStartupOrder(loadConfig(command), DEV_STARTUP_ORDER);
  });

  it('gives every Node service the settings its own config schema requires, and nothing it does not read', () => {
    assertServicesConfigured(loadConfig(command));
  });

  it("runs monerod and the wallet on the .env file's network, and points the services inside the network", () => {
    const { services } = loadConfig(command);
    assert.equal(services.monerod?.environment?.MONEROD_ARGS, demoEnv.MONEROD_ARGS);
    assert.equal(services['wallet-rpc']?.environment?.MONERO_NETWORK, demoEnv.MONERO_NETWORK);
    assert.equal(services.gateway?.environment?.LOGIN_SERVICE_URL, 'http://login:8001');
  });

  it('hands out the demo keys of Pupero-Assets/demo-keys/ and demo-only passwords (the services refuse them outside regtest)', () => {
    const config = loadConfig(command);
    for (const [name, secret] of Object.entries(config.secrets ?? {})) {
      assert.equal(path.dirname(secret.file), path.join(root, 'Pupero-Assets/demo-keys'), name);
      assert.ok(existsSync(secret.file), secret.file);
    }
    for (const name of Object.keys(config.services)) {
      for (const [key, value] of Object.entries(config.services[name]?.environment ?? {})) {
        if (/PASSWORD|SECRET/.test(key) && !key.endsWith('_FILE') && name !== 'grafana')
          assert.match(String(value), /demo-only/, `${name}.${key}`);
        if (/^(mysql|amqp):/.test(String(value))) assert.match(String(value), /:demo-only-[\w-]+@/, `${name}.${key}`);
      }
    }
  });

  it("lets the broker users of compose/rabbitmq/definitions.json in with the passwords of the services' URLs", () => {
    const config = loadConfig(command);
    const definitions = JSON.parse(readFileSync(path.join(root, 'compose/rabbitmq/definitions.json'), 'utf8')) as {
      users?: { name: string; password?: string; password_hash?: string; hashing_algorithm?: string }[];
      permissions?: { user: string }[];
    };
    for (const [name, user] of Object.entries(BROKER_USERS)) {
      const password = credentialsOf(config, name, 'RABBITMQ_URL')!.password;
      const defined = definitions.users?.find((u) => u.name === user);
      assert.ok(defined, `${user} is defined`);
      assert.ok(rabbitmqPasswordMatches(defined, password), `${user}'s password is the one in ${name}'s RABBITMQ_URL`);
      assert.ok(
        definitions.permissions?.some((p) => p.user === user),
        `${user} has permissions`,
      );
    }
  });

  it("mines through monerod's full RPC, behind the login and only on `monero`; the wallets use the restricted one, which the host sees", () => {
    const config = loadConfig(command);
    const { monerodArgs } = moneroCommands(config);
    assert.ok(!monerodArgs.includes('--restricted-rpc'), 'regtest mining needs the full RPC (generateblocks)');
    const fullPort = option(monerodArgs, '--rpc-bind-port');
    const restrictedPort = option(monerodArgs, '--rpc-restricted-bind-port');
    assert.equal(config.services['wallet-manager']?.environment?.MONEROD_RPC_URL, `http://monerod:${fullPort}`);
    assert.equal(config.services['wallet-manager']?.environment?.REGTEST_MINER, 'true');
    assert.deepEqual(
      (config.services.monerod?.ports ?? []).map((p) => portOf(p).target),
      [Number(restrictedPort)],
      'only the restricted RPC is published',
    );
  });
});

describe('docker-compose.prod.yml, the production layout, run as docs/operations.md says', () => {
  const command = configCommandFromDocs(PROD_UP);
  const env = PROD_ENV;

  it('is valid for Compose once the public keys are in the environment', () => {
    const result = compose(`${command} -q`, env);
    assert.equal(result.status, 0, result.stderr);
  });

  for (const missing of PROD_REQUIRED) {
    it(`refuses to run without ${missing}, naming it`, () => {
      const { [missing]: _left, ...others } = env;
      const result = compose(command, others);
      assert.notEqual(result.status, 0);
      // Compose prints the whole mapping it was interpolating; the reason comes after the service name.
      assert.match(result.stderr, new RegExp(`in service "[\\w-]+": set ${missing}\\b`));
    });
  }

  it('requires exactly the public keys, with no default', () => {
    const file = readFileSync(path.join(root, 'docker-compose.prod.yml'), 'utf8').replace(/^\s*#.*$/gm, '');
    assert.deepEqual([...new Set([...file.matchAll(/(?<!\$)\$\{(\w+):\?/g)].map((m) => m[1]))].sort(), [...PROD_REQUIRED].sort());
    for (const variable of PROD_REQUIRED) assert.doesNotMatch(file, new RegExp(`\\$\\{${variable}:?-`), `${variable} has no default`);
  });

  it('publishes only the frontend on 5000 and the gateway on 8000', () => {
    assert.deepEqual(publishedPorts(loadConfig(command, env)), { frontend: [5000], gateway: [8000] });
  });

  it('keeps every other service on the internal network only; monerod and wallet-rpc on `monero`, monerod also reaches its peers', () => {
    const config = loadConfig(command, env);
    assert.equal(config.networks?.internal?.internal, true);
    assert.equal(config.networks?.monero?.internal, true);
    assert.notEqual(config.networks?.edge?.internal, true);
    const expected: Record<string, string[]> = {
      frontend: ['edge', 'internal'],
      gateway: ['edge', 'internal'],
      monerod: ['monero', 'p2p'],
      'wallet-rpc': ['monero'],
      'wallet-manager': ['internal', 'monero'],
    };
    for (const [name, service] of Object.entries(config.services))
      assert.deepEqual(networksOf(service), expected[name] ?? ['internal'], name);
  });

  it("runs monerod's RPC restricted, on testnet unless MONEROD_ARGS says otherwise", () => {
    const config = loadConfig(command, env);
    assert.deepEqual(config.services.monerod?.command, ['monerod-entrypoint.sh', '--restricted-rpc']);
    const { monerodArgs } = moneroCommands(config);
    assert.ok(monerodArgs.includes('--restricted-rpc'));
    assert.ok(!monerodArgs.some((a) => a.startsWith('--rpc-restricted-bind')), 'one RPC, the restricted one');
    assert.equal(
      config.services['wallet-manager']?.environment?.MONEROD_RPC_URL,
      `http://monerod:${option(monerodArgs, '--rpc-bind-port')}`,
    );
    assert.deepEqual(monerodArgs.slice(0, 1), ['--testnet']);
  });

  it('restarts every long-running service; the migrations run once', () => {
    for (const [name, service] of Object.entries(loadConfig(command, env).services)) {
      if (name === 'migrations') assert.equal(service.restart, 'no');
      else assert.ok(['always', 'unless-stopped'].includes(service.restart ?? ''), `restart policy of ${name}`);
    }
  });

  it('starts in order through healthchecks', () => {
    assertStartupOrder(loadConfig(command, env), STARTUP_ORDER);
  });

  it('takes nothing from the demo .env or Pupero-Assets/, and hands the wallet secrets only to the wallet', () => {
    const config = loadConfig(command, env);
    const demoSecrets = Object.entries(demoEnv).filter(([k]) => /SECRET|PASSWORD|PUBLIC_KEY/.test(k));
    for (const [name, service] of Object.entries(config.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        assert.ok(!demoSecrets.some(([, demo]) => demo && String(value).includes(demo)), `${name}.${key} is not a demo value`);
        assert.doesNotMatch(String(value), /demo-only/, `${name}.${key}`);
      }
      for (const variable of variablesOf(service)) {
        if (['WALLET_PASSWORD', 'MONERO_RPC_PASSWORD'].includes(variable)) assert.ok(['wallet-rpc', 'wallet-manager'].includes(name), name);
      }
    }
    for (const secret of Object.values(config.secrets ?? {})) {
      assert.ok(secret.file.startsWith(`${env.PUPERO_SECRETS_DIR}/`), `${secret.file} is one of the operator's secrets`);
    }
    assert.equal(config.services.monerod?.environment?.MONEROD_ARGS, '--testnet', 'testnet unless MONEROD_ARGS says otherwise');
    assert.equal(config.services['wallet-rpc']?.environment?.MONERO_NETWORK, 'testnet');
  });

  it('reads every private key and password from a Compose secret, never from the environment', () => {
    const config = loadConfig(command, env);
    for (const [name, service] of Object.entries(config.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (/PASSWORD|SECRET|SIGNING_KEY|_URL$/.test(key) && key !== 'GRAFANA_ADMIN_PASSWORD') {
          assert.ok(!/:\/\/[^/]*:[^/@]*@/.test(String(value)), `${name}.${key} carries no password`);
          if (!/_URL$/.test(key)) assert.ok(key.endsWith('_FILE'), `${name}.${key} is a file`);
        }
      }
    }
  });

  it('gives every Node service the settings its own config schema requires, and nothing it does not read', () => {
    assertServicesConfigured(loadConfig(command, env));
  });

  it('rotates a key by listing the new public key beside the old, as docs/operations.md says', () => {
    const next = { access: generateKeyPair().publicKey, transactions: generateKeyPair().publicKey };
    const config = loadConfig(command, {
      ...env,
      ACCESS_TOKEN_PUBLIC_KEYS: `${env.ACCESS_TOKEN_PUBLIC_KEYS},${next.access}`,
      TRANSACTIONS_PUBLIC_KEY: `${env.TRANSACTIONS_PUBLIC_KEY},transactions=${next.transactions}`,
    });
    assertServicesConfigured(config);
    for (const name of ['login', 'offers', 'wallet-manager']) {
      const resolved = resolvedEnvironment(config, name);
      assert.ok(publicKeysFrom(resolved.ACCESS_TOKEN_PUBLIC_KEYS!).has(keyId(publicKeyFrom(next.access))), name);
      if (name !== 'offers') assert.equal(peerKeyIds(resolved).transactions?.length, 2, `${name} believes both keys of transactions`);
    }
  });

  it('passes FRONTEND_TRUST_PROXY through, for the TLS proxy in front of the frontend', () => {
    const config = loadConfig(command, { ...env, FRONTEND_TRUST_PROXY: '10.0.0.5' });
    assert.equal(config.services.frontend?.environment?.FRONTEND_TRUST_PROXY, '10.0.0.5');
    assert.equal(loadConfig(command, env).services.frontend?.environment?.FRONTEND_TRUST_PROXY, 'false');
  });

  it('switches to mainnet only when both MONEROD_ARGS and MONERO_NETWORK are set', () => {
    const { services } = loadConfig(command, { ...env, MONEROD_ARGS: '', MONERO_NETWORK: 'mainnet' });
    assert.equal(services.monerod?.environment?.MONEROD_ARGS, '');
    assert.equal(services.monerod?.environment?.MONERO_NETWORK, 'mainnet');
    assert.equal(services['wallet-manager']?.environment?.MONERO_NETWORK, 'mainnet');
  });
});

leastPrivilegeChecks('docker-compose.yml', () => loadConfig(configCommandFromDocs(DEV_UP)));
leastPrivilegeChecks('docker-compose.prod.yml', () => loadConfig(configCommandFromDocs(PROD_UP), PROD_ENV));

/** `src:dst[:mode]` bind mounts of a service (Compose prints their sources as absolute paths). */
function bindMounts(service: Service): Record<string, string> {
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
  const layouts = { development: { up: DEV_UP, env: {} }, production: { up: PROD_UP, env: PROD_ENV } };

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
    const config = loadConfig(command, PROD_ENV);
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
    const without = loadConfig(command, PROD_ENV).services.grafana!;
    assert.equal(without.environment?.GF_SECURITY_ADMIN_PASSWORD, undefined, 'no default password');
    assert.match(without.entrypoint?.[2] ?? '', /exec \/run\.sh$/, "ends in the image's own entrypoint");
    const refused = runEntrypoint(without);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /GRAFANA_ADMIN_PASSWORD: set GRAFANA_ADMIN_PASSWORD\b/);

    const password = `grafana-${'y'.repeat(40)}`;
    const withIt = loadConfig(command, { ...PROD_ENV, GRAFANA_ADMIN_PASSWORD: password }).services.grafana!;
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
