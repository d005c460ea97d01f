// The images, built the way their Dockerfiles say, without a Docker engine (none runs on these
// machines): each Dockerfile is parsed, its COPY lines copy from the build context (the workspace
// filtered by .dockerignore) or from an earlier stage, and its RUN lines run with sh in a scratch
// directory under the OS temp dir. Then the final stage's CMD is started with a test environment
// and must answer /healthz, and the image's own HEALTHCHECK command must pass.
//
// How the image's world is mapped onto this machine, and why:
// - Every stage gets a root directory of its own; absolute paths of WORKDIR and COPY live under it.
//   RUN lines must use relative paths (checked), so `../app` from /workspace lands beside it.
// - `apt-get` lines install into the image's OS: they are not run (this machine is not ours to
//   change), and they are only allowed in build stages, so the tools never reach the final image.
//   argon2 ships a prebuilt binary for this platform, so nothing here needs them.
// - `npm install --global` installs into a scratch prefix put first on PATH; HOME (and with it npm's
//   cache and pnpm's store) is a scratch directory too, so nothing leaks into the repository or the
//   machine. The network is used only for the npm registry.
// - npm_config_nodedir=/usr/local names the Node headers of the node image; here they are in /usr.
// - The image's node (24) is this machine's node (20); container ports are free local ports, and
//   HOST is 127.0.0.1. USER (non-root) becomes `nobody` when this test runs as root.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mariadbConfig } from '@pupero/shared/db';
import {
  createTestDatabase,
  deleteTestBroker,
  freePort,
  holdBrokerLock,
  provisionTestBroker,
  runOnServer,
  TEST_DATABASE_PREFIX,
  type TestDatabase,
  testKeys,
  testSecret,
  testServerUrl,
} from '@pupero/shared/testing';
import { startRegtestDaemon, startWalletRpc } from '@pupero/wallet-manager/testing';
import mariadb from 'mariadb';

const root = fileURLToPath(new URL('..', import.meta.url));
const BASE_IMAGE = 'node:24-bookworm-slim';

/** Every service Dockerfile needs a start recipe below; a new one fails this test until it has one. */
const serviceImages = {
  login: { package: '@pupero/login', portVariable: 'LOGIN_PORT' },
  transactions: { package: '@pupero/transactions', portVariable: 'TRANSACTIONS_PORT' },
  'wallet-manager': { package: '@pupero/wallet-manager', portVariable: 'WALLET_MANAGER_PORT' },
  offers: { package: '@pupero/offers', portVariable: 'OFFERS_PORT' },
  gateway: { package: '@pupero/gateway', portVariable: 'GATEWAY_PORT' },
  frontend: { package: '@pupero/frontend', portVariable: 'FRONTEND_PORT' },
} as const;

interface Instruction {
  keyword: string;
  value: string;
}

interface Stage {
  from: string;
  name: string | undefined;
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string | undefined;
}

interface Image {
  stages: Stage[];
  final: Stage;
  command: string[];
  healthcheck: string[] | undefined;
  hostOnlyRuns: { stage: Stage; command: string }[];
}

/** Instructions with line continuations joined; comments and parser directives dropped. */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    if (line.trimEnd().endsWith('\\')) {
      pending += `${line.trimEnd().slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    if (!full) continue;
    const match = /^(\w+)\s+(.*)$/s.exec(full);
    assert.ok(match, `cannot read the Dockerfile line: ${full}`);
    instructions.push({ keyword: match[1]!.toUpperCase(), value: match[2]!.trim() });
  }
  return instructions;
}

/** .dockerignore patterns (Docker's rules: relative to the context root, `**` spans directories). */
function dockerignore(text: string): (relative: string) => boolean {
  const patterns = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const regexes = patterns.map((pattern) => {
    assert.ok(!pattern.startsWith('!'), 'exceptions (!) in .dockerignore are not understood by this test');
    const clean = pattern.replace(/^\/+|\/+$/g, '');
    let source = '';
    for (let i = 0; i < clean.length; i += 1) {
      const c = clean[i]!;
      if (clean.startsWith('**/', i)) {
        source += '(?:.*/)?';
        i += 2;
      } else if (clean.startsWith('**', i)) {
        source += '.*';
        i += 1;
      } else if (c === '*') source += '[^/]*';
      else if (c === '?') source += '[^/]';
      else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${source}(?:/.*)?$`);
  });
  return (relative) => regexes.some((r) => r.test(relative));
}

function copyContext(from: string, to: string, ignored: (relative: string) => boolean, relative = '') {
  mkdirSync(path.join(to, relative), { recursive: true });
  for (const entry of readdirSync(path.join(from, relative), { withFileTypes: true })) {
    const rel = relative ? `${relative}/${entry.name}` : entry.name;
    if (ignored(rel)) continue;
    if (entry.isDirectory()) copyContext(from, to, ignored, rel);
    else if (entry.isFile()) copyFileSync(path.join(from, rel), path.join(to, rel));
  }
}

/** What RUN lines see: the Dockerfile's ENV over a toolchain confined to the scratch directory. */
function runEnvironment(stage: Stage, scratch: string): NodeJS.ProcessEnv {
  const npmPrefix = path.join(scratch, 'npm-global');
  const passThrough = [
    'NODE_EXTRA_CA_CERTS',
    'SSL_CERT_FILE',
    'SSL_CERT_DIR',
    'HTTPS_PROXY',
    'https_proxy',
    'HTTP_PROXY',
    'http_proxy',
    'NO_PROXY',
    'no_proxy',
  ];
  const env: NodeJS.ProcessEnv = Object.fromEntries(passThrough.filter((k) => process.env[k]).map((k) => [k, process.env[k]]));
  Object.assign(env, stage.env, {
    HOME: path.join(scratch, 'home'),
    npm_config_prefix: npmPrefix,
    PATH: `${path.join(npmPrefix, 'bin')}:${process.env.PATH}`,
  });
  if (env.npm_config_nodedir === '/usr/local' && !existsSync('/usr/local/include/node/node.h')) env.npm_config_nodedir = '/usr';
  return env;
}

function inStage(stage: Stage, target: string): string {
  return path.join(stage.root, path.posix.resolve(stage.workdir, target));
}

function copyInstruction(value: string, image: { stages: Stage[]; current: Stage }, context: string) {
  const words = value.split(/\s+/);
  assert.ok(!value.startsWith('['), 'COPY in JSON form is not understood by this test');
  const fromFlag = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
  const operands = words.filter((w) => !w.startsWith('--'));
  const dest = operands.at(-1);
  const sources = operands.slice(0, -1);
  assert.ok(dest && sources.length > 0, `COPY needs a source and a destination: ${value}`);
  const source = fromFlag ? image.stages.find((s) => s.name === fromFlag) : undefined;
  if (fromFlag) assert.ok(source, `COPY --from=${fromFlag}: no such stage`);
  const target = inStage(image.current, dest);
  const intoDirectory = dest.endsWith('/') || sources.length > 1;
  for (const src of sources) {
    const from = source ? path.join(source.root, src) : path.join(context, src);
    assert.ok(existsSync(from), `COPY ${src}: not in the ${source ? `stage ${fromFlag}` : 'build context'}`);
    if (statSync(from).isDirectory()) {
      mkdirSync(target, { recursive: true });
      execFileSync('cp', ['-a', `${from}/.`, target]);
    } else {
      mkdirSync(intoDirectory ? target : path.dirname(target), { recursive: true });
      execFileSync('cp', ['-a', from, intoDirectory ? path.join(target, path.basename(src)) : target]);
    }
  }
}

function parseEnv(value: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of value.matchAll(/(\w+)=("[^"]*"|\S*)/g)) env[match[1]!] = match[2]!.replace(/^"|"$/g, '');
  assert.ok(Object.keys(env).length > 0, `ENV must use the KEY=value form: ${value}`);
  return env;
}

interface Build extends Omit<Image, 'final'> {
  imageName: string;
  scratch: string;
  context: string;
}

function startStage(build: Build, value: string): Stage {
  const [from, as, name] = value.split(/\s+/);
  const root = path.join(build.scratch, build.imageName, `stage-${build.stages.length}`);
  mkdirSync(root, { recursive: true });
  const stage: Stage = { from: from!, name: as?.toUpperCase() === 'AS' ? name : undefined, root, workdir: '/', env: {}, user: undefined };
  build.stages.push(stage);
  return stage;
}

function runInstruction(build: Build, stage: Stage, command: string) {
  if (/^apt-get\b/.test(command)) {
    build.hostOnlyRuns.push({ stage, command });
    return;
  }
  assert.doesNotMatch(command, /(^|[\s=])\//, `RUN with an absolute path cannot be mapped into the scratch build: ${command}`);
  const result = spawnSync('sh', ['-c', command], {
    cwd: inStage(stage, '.'),
    env: runEnvironment(stage, build.scratch),
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, `RUN ${command}\nfailed:\n${result.stdout}\n${result.stderr}`);
}

function applyInstruction(build: Build, stage: Stage, { keyword, value }: Instruction) {
  if (keyword === 'WORKDIR') {
    stage.workdir = path.posix.resolve(stage.workdir, value);
    mkdirSync(inStage(stage, '.'), { recursive: true });
  } else if (keyword === 'ENV') Object.assign(stage.env, parseEnv(value));
  else if (keyword === 'COPY') copyInstruction(value, { stages: build.stages, current: stage }, build.context);
  else if (keyword === 'RUN') runInstruction(build, stage, value);
  else if (keyword === 'USER') stage.user = value;
  else if (keyword === 'CMD') build.command = JSON.parse(value);
  else if (keyword === 'HEALTHCHECK') {
    const json = /\bCMD\s+(\[.*\])$/s.exec(value)?.[1];
    assert.ok(json, `HEALTHCHECK must be in exec form: ${value}`);
    build.healthcheck = JSON.parse(json);
  } else assert.ok(keyword === 'EXPOSE', `instruction ${keyword} is not understood by this test`);
}

/** Performs the build the Dockerfile describes; stage roots live under `scratch/<imageName>`. */
function buildImage(dockerfile: string, imageName: string, scratch: string, context: string): Image {
  const build: Build = { imageName, scratch, context, stages: [], command: [], healthcheck: undefined, hostOnlyRuns: [] };
  let current: Stage | undefined;
  for (const instruction of parseDockerfile(readFileSync(path.join(root, dockerfile), 'utf8'))) {
    if (instruction.keyword === 'FROM') current = startStage(build, instruction.value);
    else {
      assert.ok(current, `${instruction.keyword} before FROM in ${dockerfile}`);
      applyInstruction(build, current, instruction);
    }
  }
  assert.ok(current, `${dockerfile} has no FROM`);
  return { stages: build.stages, final: current, command: build.command, healthcheck: build.healthcheck, hostOnlyRuns: build.hostOnlyRuns };
}

/** Package names the image must not carry: devDependencies (of the service, shared and the root) that are not also production ones. */
function devOnlyPackages(servicePackageJson: string): string[] {
  const read = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));
  const manifests = [read(servicePackageJson), read('packages/shared/package.json'), read('package.json')];
  const production = new Set(manifests.flatMap((m) => Object.keys(m.dependencies ?? {})));
  const development = new Set(manifests.flatMap((m) => Object.keys(m.devDependencies ?? {})));
  // Type packages are inert, and some are real dependencies of production packages (mariadb's).
  return [...development].filter((name) => !production.has(name) && !name.startsWith('@types/'));
}

function assertCommonImageRules(image: Image, dockerfile: string) {
  for (const stage of image.stages) assert.equal(stage.from, BASE_IMAGE, `${dockerfile}: every stage starts from ${BASE_IMAGE}`);
  assert.ok(image.stages.length >= 2, `${dockerfile} is multi-stage`);
  assert.ok(image.final.user && !['root', '0'].includes(image.final.user), `${dockerfile} runs as a non-root user`);
  for (const { stage } of image.hostOnlyRuns) assert.notEqual(stage, image.final, `${dockerfile}: apt-get only in a build stage`);
  assert.equal(image.command[0], 'node', `${dockerfile}: CMD in exec form runs node directly (signals reach it)`);
  const tsx = JSON.parse(readFileSync(path.join(image.final.root, 'srv/node_modules/tsx/package.json'), 'utf8'));
  const catalogTsx = /^\s+tsx:\s*(\S+)$/m.exec(readFileSync(path.join(root, 'pnpm-workspace.yaml'), 'utf8'))?.[1];
  assert.equal(tsx.version, catalogTsx, 'the image carries tsx at the catalog version');
  assert.ok(existsSync(path.join(image.final.root, 'srv/node_modules/esbuild')), "tsx's esbuild is installed beside it");
}

function assertProductionDependenciesOnly(appDir: string, forbidden: string[]) {
  const virtualStore = readdirSync(path.join(appDir, 'node_modules/.pnpm'));
  assert.ok(virtualStore.length > 10, 'the app has its production dependencies');
  for (const name of forbidden) {
    const prefix = `${name.replace('/', '+')}@`;
    assert.deepEqual(
      virtualStore.filter((entry) => entry.startsWith(prefix)),
      [],
      `${name} is a devDependency and must not be in the image`,
    );
  }
}

/** The image's USER: an unprivileged account here too (nobody when this test runs as root). */
const asImageUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

interface Container {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startContainer(image: Image, env: Record<string, string>): Container {
  const cwd = inStage(image.final, '.');
  const fullEnv = { PATH: process.env.PATH, HOME: os.tmpdir(), ...image.final.env, ...env };
  const child = spawn(image.command[0]!, image.command.slice(1), { cwd, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'], ...asImageUser });
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => chunks.push(c));
  child.stderr?.on('data', (c: Buffer) => chunks.push(c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => Buffer.concat(chunks).toString('utf8'), exited };
}

async function waitHealthy(container: Container, url: string): Promise<unknown> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (container.child.exitCode !== null)
      assert.fail(`exited with ${container.child.exitCode} before it was healthy:\n${container.output()}`);
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
    if (response?.status === 200) return response.json();
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`${url} did not answer 200 within 60 s:\n${container.output()}`);
}

function runHealthcheck(image: Image, env: Record<string, string>) {
  assert.ok(image.healthcheck, 'the image has a HEALTHCHECK');
  const [program, ...args] = image.healthcheck;
  const result = spawnSync(program!, args, {
    cwd: inStage(image.final, '.'),
    env: { PATH: process.env.PATH, ...image.final.env, ...env },
    encoding: 'utf8',
    timeout: 10_000,
    ...asImageUser,
  });
  assert.equal(result.status, 0, `HEALTHCHECK failed: ${result.stderr}`);
}

describe('the images, built from their Dockerfiles in a scratch directory', { timeout: 420_000 }, () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'pupero-image-build-'));
  chmodSync(scratch, 0o755);
  const context = path.join(scratch, 'context');
  const images = new Map<string, Image>();
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  let cleanedUp = false;
  // A test that timed out goes on running: what it starts after the cleanup is stopped at once,
  // or a service or the chain would keep this file alive for ever.
  const onCleanup = (cleanup: () => Promise<unknown> | unknown) => (cleanedUp ? void cleanup() : void cleanups.push(cleanup));
  after(async () => {
    cleanedUp = true;
    for (const cleanup of cleanups.reverse()) await cleanup();
    // Seven builds' dependencies are over a minute of deleting on a loaded machine: the scratch
    // directory goes in a process of its own, while the next test file runs.
    spawn('rm', ['-rf', scratch], { detached: true, stdio: 'ignore' }).unref();
  });

  it('uses the workspace as its build context, without what .dockerignore leaves out', () => {
    copyContext(root, context, dockerignore(readFileSync(path.join(root, '.dockerignore'), 'utf8')));
    assert.ok(existsSync(path.join(context, 'pnpm-lock.yaml')));
    assert.ok(existsSync(path.join(context, 'services/login/src/server.ts')));
    assert.ok(existsSync(path.join(context, 'prisma/migrations')));
    for (const absent of [
      'node_modules',
      'services/login/node_modules',
      'packages/shared/src/db/generated',
      'Pupero-Assets/.env',
      '.git',
    ]) {
      assert.ok(!existsSync(path.join(context, absent)), `${absent} stays out of the build context`);
    }
    assert.ok(!existsSync(path.join(context, 'packages/shared/src/money.test.ts')), 'tests stay out of the build context');
  });

  it('has a start recipe here for every service Dockerfile', () => {
    const withDockerfile = readdirSync(path.join(root, 'services')).filter((s) => existsSync(path.join(root, 'services', s, 'Dockerfile')));
    assert.deepEqual(withDockerfile.sort(), Object.keys(serviceImages).sort());
  });

  for (const [service, { package: packageName, portVariable }] of Object.entries(serviceImages)) {
    it(`builds services/${service}/Dockerfile: production dependencies, tsx, non-root, healthcheck`, () => {
      const dockerfile = `services/${service}/Dockerfile`;
      const image = buildImage(dockerfile, service, scratch, context);
      assert.ok(existsSync(path.join(scratch, 'npm-global/bin/pnpm')), 'the build used the pnpm its Dockerfile installed');
      assertCommonImageRules(image, dockerfile);
      assert.deepEqual(image.command, ['node', '--import', 'tsx', 'src/server.ts']);
      assert.ok(image.final.env[portVariable], `${dockerfile} sets ${portVariable}`);
      assert.match(
        image.healthcheck?.join(' ') ?? '',
        new RegExp(`process\\.env\\.${portVariable}\\b.*/healthz`),
        'HEALTHCHECK asks /healthz',
      );
      const appDir = path.join(image.final.root, 'srv/app');
      assert.equal(JSON.parse(readFileSync(path.join(appDir, 'package.json'), 'utf8')).name, packageName);
      assert.ok(
        existsSync(path.join(appDir, 'node_modules/@pupero/shared/src/db/generated/client.ts')),
        'the generated Prisma client is in',
      );
      assertProductionDependenciesOnly(appDir, devOnlyPackages(`services/${service}/package.json`));
      images.set(service, image);
    });
  }

  it("builds compose/migrations/Dockerfile, whose one-shot run migrates an empty database and creates the services' users", async () => {
    const image = buildImage('compose/migrations/Dockerfile', 'migrations', scratch, context);
    assertCommonImageRules(image, 'compose/migrations/Dockerfile');
    assertProductionDependenciesOnly(
      path.join(image.final.root, 'srv/app/packages/shared'),
      devOnlyPackages('packages/shared/package.json'),
    );
    const name = `${TEST_DATABASE_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
    // The users are this database's own (`<name>_login`, …), as createTestDatabase makes them.
    const services = ['login', 'offers', 'transactions', 'wallet', 'frontend'];
    const users = services.map((s) => `'${name}_${s}'@'%'`).join(', ');
    onCleanup(() => runOnServer(`DROP DATABASE IF EXISTS \`${name}\``));
    onCleanup(() => runOnServer(`DROP USER IF EXISTS ${users}`));
    const url = new URL(testServerUrl());
    url.pathname = `/${name}`;
    const passwords = Object.fromEntries(services.map((s) => [`${s.toUpperCase()}_DATABASE_PASSWORD`, testSecret()]));
    const env = { DATABASE_URL: url.toString(), ...passwords, DATABASE_USER_PREFIX: `${name}_` };
    const migrations = readdirSync(path.join(root, 'prisma/migrations')).filter((n) => /^\d{14}_/.test(n));
    const usersLine = `Users ${services.map((s) => `${name}_${s}`).join(', ')}: passwords set`;
    for (const [expected, grants] of [
      [`Applied ${migrations.join(', ')}`, /grant changes$/],
      ['Database is up to date', /grants up to date$/],
    ] as const) {
      const run = startContainer(image, env);
      assert.equal(await run.exited, 0, run.output());
      const [migrated, granted] = run.output().trim().split('\n');
      assert.equal(migrated, expected);
      assert.ok(granted?.startsWith(usersLine) && grants.test(granted), granted);
    }
    const login = new URL(url);
    login.username = `${name}_login`;
    login.password = passwords.LOGIN_DATABASE_PASSWORD!;
    const asLogin = await mariadb.createConnection(mariadbConfig(login.toString()));
    try {
      await asLogin.query('SELECT COUNT(*) FROM users');
      await assert.rejects(asLogin.query('SELECT COUNT(*) FROM trades'), /denied/, "login's user reads its own tables only");
    } finally {
      await asLogin.end();
    }
    const rows = (await runOnServer(`SELECT COUNT(*) AS n FROM \`${name}\`._prisma_migrations WHERE finished_at IS NOT NULL`)) as {
      n: bigint;
    }[];
    assert.equal(Number(rows[0]?.n), migrations.length);
  });

  it("starts all six services from their images in Compose's order (the wallet manager beside a regtest chain), each healthy, then the home page through the frontend", async () => {
    const built = Object.fromEntries(
      Object.keys(serviceImages).map((s) => {
        const image = images.get(s);
        assert.ok(image, `the ${s} image was built`);
        return [s, image];
      }),
    ) as Record<keyof typeof serviceImages, Image>;
    const db: TestDatabase = await createTestDatabase();
    onCleanup(() => db.drop());
    const releaseBroker = await holdBrokerLock();
    onCleanup(releaseBroker);
    const chain = await startMoneroBeside(path.join(scratch, 'regtest'));
    onCleanup(chain.stop);
    const keys = testKeys();
    const common = { HOST: '127.0.0.1', LOG_LEVEL: 'warn', MONERO_NETWORK: 'regtest' };
    const tag = randomBytes(4).toString('hex');
    const queues = { RABBITMQ_QUEUE: `pupero.test.withdrawals.${tag}`, RABBITMQ_RESULTS_QUEUE: `pupero.test.withdrawal-results.${tag}` };
    const names = { queue: queues.RABBITMQ_QUEUE, resultsQueue: queues.RABBITMQ_RESULTS_QUEUE };
    const brokerUrls = await provisionTestBroker(names);
    onCleanup(() => deleteTestBroker(names));
    const ports = Object.fromEntries(await Promise.all(Object.keys(serviceImages).map(async (s) => [s, await freePort()])));
    const url = (service: string) => `http://127.0.0.1:${ports[service]}`;

    const environments: Record<keyof typeof serviceImages, Record<string, string>> = {
      // Each service as its own database user, with its own grants (packages/shared/src/db/grants.ts).
      login: {
        ...common,
        ...keys.env('login'),
        DATABASE_URL: db.urlFor('login'),
        TRANSACTIONS_SERVICE_URL: url('transactions'),
        OFFERS_SERVICE_URL: url('offers'),
        LOGIN_PORT: String(ports.login),
      },
      transactions: {
        ...common,
        ...keys.env('transactions'),
        DATABASE_URL: db.urlFor('transactions'),
        ...queues,
        RABBITMQ_URL: brokerUrls.transactions,
        LOGIN_SERVICE_URL: url('login'),
        MONERO_NETWORK: 'regtest',
        TRANSACTIONS_PORT: String(ports.transactions),
      },
      'wallet-manager': {
        ...common,
        ...keys.env('wallet-manager'),
        DATABASE_URL: db.urlFor('wallet'),
        ...queues,
        RABBITMQ_URL: brokerUrls['wallet-manager'],
        TRANSACTIONS_SERVICE_URL: url('transactions'),
        WALLET_RPC_URL: chain.walletRpcUrl,
        MONEROD_RPC_URL: chain.daemonUrl,
        MONERO_RPC_USER: chain.user,
        MONERO_RPC_PASSWORD: chain.password,
        WALLET_PASSWORD: 'image-test-wallet',
        MONERO_NETWORK: 'regtest',
        WALLET_MANAGER_PORT: String(ports['wallet-manager']),
      },
      offers: {
        ...common,
        ...keys.env('offers'),
        DATABASE_URL: db.urlFor('offers'),
        LOGIN_SERVICE_URL: url('login'),
        TRANSACTIONS_SERVICE_URL: url('transactions'),
        OFFERS_PORT: String(ports.offers),
      },
      gateway: {
        ...keys.env('gateway'),
        MONERO_NETWORK: 'regtest',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        LOGIN_SERVICE_URL: url('login'),
        TRANSACTIONS_SERVICE_URL: url('transactions'),
        OFFERS_SERVICE_URL: url('offers'),
        WALLET_MANAGER_SERVICE_URL: url('wallet-manager'),
        GATEWAY_PORT: String(ports.gateway),
      },
      frontend: {
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        DATABASE_URL: db.urlFor('frontend'),
        ...keys.env('frontend'),
        MONERO_NETWORK: 'regtest',
        GATEWAY_URL: url('gateway'),
        SESSION_SECRET: testSecret(),
        SESSION_COOKIE_SECURE: 'false',
        FRONTEND_PORT: String(ports.frontend),
      },
    };
    const expectedChecks: Record<keyof typeof serviceImages, Record<string, string>> = {
      login: { database: 'ok' },
      transactions: { database: 'ok', rabbitmq: 'ok' },
      'wallet-manager': { walletRpc: 'ok', daemon: 'ok', rabbitmq: 'ok', database: 'ok', chain: 'ok' },
      offers: { database: 'ok' },
      gateway: { login: 'ok', transactions: 'ok', offers: 'ok', 'wallet-manager': 'ok' },
      frontend: { gateway: 'ok', database: 'ok' },
    };

    const running: { container: Container; image: Image; env: Record<string, string> }[] = [];
    // In dependency order, as Compose starts them: each waits for the health of those before it.
    for (const service of ['login', 'transactions', 'wallet-manager', 'offers', 'gateway', 'frontend'] as const) {
      const container = startContainer(built[service], environments[service]);
      running.push({ container, image: built[service], env: environments[service] });
      onCleanup(() => container.child.exitCode === null && container.child.kill('SIGKILL'));
      const body = (await waitHealthy(container, `${url(service)}/healthz`)) as { status: string; checks: Record<string, string> };
      assert.deepEqual({ status: body.status, checks: body.checks }, { status: 'ok', checks: expectedChecks[service] }, service);
    }

    // The frontend's image carries its templates and static files: the offer book renders through the gateway.
    const home = await fetch(`${url('frontend')}/`);
    assert.equal(home.status, 200);
    assert.match(await home.text(), /<html[\s\S]*Pupero/);
    assert.equal((await fetch(`${url('frontend')}/static/style.css`)).status, 200);

    for (const { image, env } of running) runHealthcheck(image, env);
    for (const { container } of running.reverse()) {
      container.child.kill('SIGTERM');
      assert.equal(await container.exited, 0, `a clean exit on SIGTERM:\n${container.output()}`);
    }
  });
});

/** What the wallet manager's image runs beside in Compose: monerod (regtest here) and a monero-wallet-rpc. */
async function startMoneroBeside(dir: string) {
  const user = 'pupero';
  const password = randomBytes(12).toString('hex');
  const daemon = await startRegtestDaemon({ dataDir: path.join(dir, 'daemon'), rpcPort: await freePort(), p2pPort: await freePort() });
  const walletRpc = await startWalletRpc({
    daemonUrl: daemon.url,
    rpcPort: await freePort(),
    walletDir: path.join(dir, 'wallets'),
    login: `${user}:${password}`,
  }).catch(async (error) => {
    await daemon.stop();
    throw error;
  });
  return {
    daemonUrl: daemon.url,
    walletRpcUrl: walletRpc.url,
    user,
    password,
    async stop() {
      await walletRpc.stop();
      await daemon.stop();
    },
  };
}
