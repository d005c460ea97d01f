// `npm start`: the whole local stack on this machine. Installs what is missing, makes sure MariaDB
// and RabbitMQ run, applies migrations, starts every service, waits for each to be healthy and
// prints the URLs. Ctrl-C stops what it started.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { fail, portOpen, prepareMachine, root, say } from './lib/bootstrap.mjs';

// In start order; the gateway comes after the core services because its health is the health of
// those before it, and the frontend last, because it talks only to the gateway.
// The regtest chain (monerod and two wallet-rpcs) is ready when its launcher writes its ready file.
const services = [
  {
    name: 'monero (regtest)',
    entry: 'services/wallet-manager/src/regtest/cli.ts',
    portVar: 'MONEROD_RPC_PORT',
    readyFile: '.run/regtest/ready',
  },
  { name: 'login', env: 'login', entry: 'services/login/src/server.ts', portVar: 'LOGIN_PORT' },
  { name: 'transactions', env: 'transactions', entry: 'services/transactions/src/server.ts', portVar: 'TRANSACTIONS_PORT' },
  { name: 'wallet-manager', env: 'wallet-manager', entry: 'services/wallet-manager/src/server.ts', portVar: 'WALLET_MANAGER_PORT' },
  { name: 'offers', env: 'offers', entry: 'services/offers/src/server.ts', portVar: 'OFFERS_PORT' },
  { name: 'gateway', env: 'gateway', entry: 'services/gateway/src/server.ts', portVar: 'GATEWAY_PORT' },
  { name: 'frontend', env: 'frontend', entry: 'services/frontend/src/server.ts', portVar: 'FRONTEND_PORT' },
];

await prepareMachine({ debianTools: [{ name: 'monero', command: 'monerod' }] });
const env = { ...parseEnv(readFileSync(`${root}Pupero-Assets/.env`, 'utf8')), ...process.env };

for (const service of services) {
  if (await portOpen(Number(env[service.portVar])))
    fail(`port ${env[service.portVar]} (${service.name}) is already in use; stop what holds it first`);
}

// Each service's own keys and database user (made once, under .run/), never another's.
say('keys and credentials of each service (.run/keys, .run/database)');
const local = spawnSync('pnpm', ['exec', 'tsx', 'scripts/local-env.ts'], { cwd: root, env, encoding: 'utf8' });
if (local.status !== 0) fail(`preparing the services' keys and credentials failed: ${local.stderr}`);
const { services: serviceEnv, migrations: migrationEnv } = JSON.parse(local.stdout);

say('RabbitMQ: a user per service, with rights on its own exchange and queue (.run/broker)');
const broker = spawnSync('pnpm', ['exec', 'tsx', 'packages/shared/src/broker-provisioning-cli.ts'], {
  cwd: root,
  env: { ...env, BROKER_PASSWORDS_DIR: `${root}.run/broker` },
  encoding: 'utf8',
});
if (broker.status !== 0) fail(`provisioning RabbitMQ failed: ${broker.stderr}`);
const brokerEnv = JSON.parse(broker.stdout);

say("applying database migrations and each service user's grants");
const migrated = spawnSync('pnpm', ['exec', 'tsx', 'packages/shared/src/db/migrate-cli.ts'], {
  cwd: root,
  env: { ...env, ...migrationEnv, DATABASE_USER_HOST: '127.0.0.1' },
  stdio: 'inherit',
});
if (migrated.status !== 0) fail('migrations failed');

const children = [];
let stopping = false;
function stopAll(code) {
  if (stopping) return;
  stopping = true;
  say('stopping the stack');
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r))))).then(() => process.exit(code));
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

for (const service of services) {
  const own = { ...serviceEnv[service.env ?? ''], ...brokerEnv[service.env ?? ''] };
  const child = spawn(process.execPath, ['--import', 'tsx', service.entry], {
    cwd: root,
    env: { ...env, ...own },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  child.once('exit', (code, signal) => {
    if (!stopping) {
      say(`${service.name} exited (${code ?? signal}); stopping everything`);
      stopAll(1);
    }
  });
  await (service.readyFile ? waitForFile(service) : waitHealthy(service, Number(env[service.portVar])));
}

const host = env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST;
say('the stack is up:');
for (const service of services) say(`  ${service.name.padEnd(16)} http://${host}:${env[service.portVar]}`);
say(`  monerod (regtest) http://127.0.0.1:${env.MONEROD_RPC_PORT}   wallet-rpc http://127.0.0.1:${env.WALLET_RPC_PORT}`);
say(`health of the core: curl http://${host}:${env.GATEWAY_PORT}/healthz   (Ctrl-C stops everything)`);
say(`open Pupero in a browser: http://${host}:${env.FRONTEND_PORT}/`);

async function waitForFile(service) {
  for (let i = 0; i < 360; i += 1) {
    if (stopping || existsSync(`${root}${service.readyFile}`)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  fail(`${service.name} was not ready within 180 s`);
}

async function waitHealthy(service, port) {
  const url = `http://127.0.0.1:${port}/healthz`;
  for (let i = 0; i < 120; i += 1) {
    if (stopping) return;
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  fail(`${service.name} was not healthy at ${url} within 60 s`);
}
