// Makes a fresh machine ready: pnpm, dependencies, the Prisma client, MariaDB, RabbitMQ and the
// Debian tools the stack and the tests use. Node built-ins only: it runs before anything is installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
const PNPM_VERSION = '12.21.0';

export const say = (message) => process.stderr.write(`[pupero] ${message}\n`);

export function fail(message) {
  say(`error: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const isRoot = () => process.getuid?.() === 0;

export function ensurePnpm() {
  if (has('pnpm')) return;
  say(`installing pnpm ${PNPM_VERSION} (npm i -g)`);
  run('npm', ['install', '--global', `pnpm@${PNPM_VERSION}`]);
}

/** `pnpm install` (native addons built against Debian's Node headers) and the Prisma client. */
export function installDependencies() {
  const env = { ...process.env, npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr', CI: 'true' };
  run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=silent'], { env });
  const generated = `${root}packages/shared/src/db/generated/client.ts`;
  const schema = `${root}prisma/schema.prisma`;
  if (!existsSync(generated) || statSync(generated).mtimeMs < statSync(schema).mtimeMs) {
    run('node', ['scripts/prisma-generate.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

/** Installs Debian packages that are missing (root only; otherwise says what to install). */
export function ensureDebianPackages(packages) {
  const missing = packages.filter(({ command }) => !has(command));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.name);
  if (!isRoot() || !has('apt-get')) fail(`please install: apt-get install -y ${names.join(' ')}`);
  say(`installing ${names.join(', ')} from Debian's packages`);
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  if (spawnSync('apt-get', ['install', '-y', ...names], quiet).status !== 0) {
    run('apt-get', ['update'], quiet);
    run('apt-get', ['install', '-y', ...names], quiet);
  }
}

export function portOpen(port, host = '127.0.0.1', timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function waitForPort(port, label, seconds = 60) {
  for (let i = 0; i < seconds * 4; i += 1) {
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`${label} did not open port ${port} within ${seconds} s`);
}

/** MariaDB on 127.0.0.1:3306, root without a password: started, or installed and started. */
export async function ensureMariaDb() {
  if (await portOpen(3306)) return;
  ensureDebianPackages([{ name: 'mariadb-server', command: 'mariadbd' }]);
  say('starting MariaDB');
  execFileSync('install', ['-d', '-o', 'mysql', '-g', 'mysql', '/run/mysqld']);
  run('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd', '--', '--user=mysql']);
  await waitForPort(3306, 'MariaDB');
}

/** RabbitMQ on 127.0.0.1:5672, guest/guest: started, or installed and started. */
export async function ensureRabbitMq() {
  if (await portOpen(5672)) return;
  ensureDebianPackages([{ name: 'rabbitmq-server', command: 'rabbitmq-server' }]);
  say('starting RabbitMQ');
  run('rabbitmq-server', ['-detached']);
  await waitForPort(5672, 'RabbitMQ', 120);
}

/** Everything both `npm start` and `npm test` need before they can do their work. */
export async function prepareMachine({ debianTools = [] } = {}) {
  ensurePnpm();
  installDependencies();
  ensureDebianPackages(debianTools);
  await Promise.all([ensureMariaDb(), ensureRabbitMq()]);
}
