// `npm start`: the whole local stack on this machine. Installs what is missing, makes sure MariaDB
// and RabbitMQ run, applies migrations, starts every service, waits for each to be healthy and
// prints the URLs. Ctrl-C (or SIGTERM, SIGHUP) stops what it started, services first, then the
// chain. Its children die with it even after a `kill -9`, and it stops what a killed run left
// behind (pid files under .run/pids) before it starts anything.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { fail, portOpen, prepareMachine, root, say } from './lib/bootstrap.mjs';
import { portHolder, removePidFile, spawnLeashed, stopLeftovers, whenParentsGone, writePidFile } from './lib/processes.mjs';

// In start order; the gateway comes after the core services because its health is the health of
// those before it, and the frontend last, because it talks only to the gateway.
// The regtest chain (monerod and two wallet-rpcs) is ready when its launcher writes its ready file.
const services = [
  {
    name: 'monero (regtest)',
    entry: 'services/wallet-manager/src/regtest/cli.ts',
    portVar: 'MONEROD_RPC_PORT',
    urlVar: 'MONEROD_RPC_URL',
    readyFile: '.run/regtest/ready',
    pidName: 'launcher',
  },
  { name: 'login', env: 'login', entry: 'services/login/src/server.ts', portVar: 'LOGIN_PORT', urlVar: 'LOGIN_SERVICE_URL' },
  {
    name: 'transactions',
    env: 'transactions',
    entry: 'services/transactions/src/server.ts',
    portVar: 'TRANSACTIONS_PORT',
    urlVar: 'TRANSACTIONS_SERVICE_URL',
  },
  {
    name: 'wallet-manager',
    env: 'wallet-manager',
    entry: 'services/wallet-manager/src/server.ts',
    portVar: 'WALLET_MANAGER_PORT',
    urlVar: 'WALLET_MANAGER_SERVICE_URL',
  },
  { name: 'offers', env: 'offers', entry: 'services/offers/src/server.ts', portVar: 'OFFERS_PORT', urlVar: 'OFFERS_SERVICE_URL' },
  { name: 'gateway', env: 'gateway', entry: 'services/gateway/src/server.ts', portVar: 'GATEWAY_PORT', urlVar: 'GATEWAY_URL' },
  { name: 'frontend', env: 'frontend', entry: 'services/frontend/src/server.ts', portVar: 'FRONTEND_PORT' },
];
// The chain's other ports (its launcher starts them).
const chainPorts = [
  { name: 'monerod P2P', portVar: 'MONEROD_P2P_PORT' },
  { name: 'the platform wallet-rpc', portVar: 'WALLET_RPC_PORT', urlVar: 'WALLET_RPC_URL' },
  { name: 'the faucet wallet-rpc', portVar: 'REGTEST_FAUCET_WALLET_RPC_PORT', urlVar: 'REGTEST_FAUCET_WALLET_RPC_URL' },
];
const pidDir = `${root}.run/pids`;

await prepareMachine({ debianTools: [{ name: 'monero', command: 'monerod' }] });
const env = { ...parseEnv(readFileSync(`${root}Pupero-Assets/.env`, 'utf8')), ...process.env };

await stopLeftovers(pidDir, say);
for (const holder of [...services, ...chainPorts]) {
  const port = Number(env[holder.portVar]);
  if (await portOpen(port)) fail(portTakenMessage(holder, port));
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
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
process.on('SIGHUP', () => stopAll(0));
whenParentsGone(() => stopAll(1, 'the npm process that ran npm start is gone; stopping the stack'));

for (const service of services) {
  if (stopping) break;
  const own = { ...serviceEnv[service.env ?? ''], ...brokerEnv[service.env ?? ''] };
  const entry = `${root}${service.entry}`;
  if (service.readyFile) rmSync(`${root}${service.readyFile}`, { force: true });
  const child = spawnLeashed(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: { ...env, ...own, PUPERO_PID_DIR: pidDir, REGTEST_DATA_DIR: `${root}.run/regtest` },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const pidName = service.pidName ?? service.name;
  writePidFile(pidDir, pidName, { pid: child.pid, marker: entry, stage: service.readyFile ? 1 : 0 });
  children.push({ child, service, pidName });
  child.once('exit', (code, signal) => {
    if (!stopping) stopAll(1, `${service.name} exited (${code ?? signal}); stopping everything`);
  });
  await (service.readyFile ? waitForFile(service) : waitHealthy(service, Number(env[service.portVar])));
}
if (!stopping) {
  const host = env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST;
  say('the stack is up:');
  for (const service of services) say(`  ${service.name.padEnd(16)} http://${host}:${env[service.portVar]}`);
  say(`  monerod (regtest) http://127.0.0.1:${env.MONEROD_RPC_PORT}   wallet-rpc http://127.0.0.1:${env.WALLET_RPC_PORT}`);
  say(`health of the core: curl http://${host}:${env.GATEWAY_PORT}/healthz   (Ctrl-C stops everything)`);
  say(`open Pupero in a browser: http://${host}:${env.FRONTEND_PORT}/`);
}

/** Services first (they close their wallets and connections), then the chain's launcher, which stores the wallets and stops monerod. */
async function stopAll(code, why) {
  if (stopping) return;
  stopping = true;
  if (why) say(why);
  say('stopping the stack');
  const running = children.filter(({ child }) => child.exitCode === null && child.signalCode === null);
  await stopChildren(
    running.filter(({ service }) => !service.readyFile),
    20,
  );
  await stopChildren(
    running.filter(({ service }) => service.readyFile),
    90,
  );
  for (const { pidName } of children) removePidFile(pidDir, pidName);
  say('stopped');
  process.exit(code);
}

async function stopChildren(list, seconds) {
  const exited = ({ child }, ms) =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
      const timer = setTimeout(() => resolve(false), ms);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  for (const { child } of list) child.kill('SIGTERM');
  const done = await Promise.all(list.map((entry) => exited(entry, seconds * 1000)));
  const stubborn = list.filter((_entry, i) => !done[i]);
  for (const { child, service } of stubborn) {
    say(`${service.name} did not stop within ${seconds} s; killing it`);
    child.kill('SIGKILL');
  }
  await Promise.all(stubborn.map((entry) => exited(entry, 10_000)));
}

function portTakenMessage({ name, portVar, urlVar }, port) {
  const holder = portHolder(port);
  const who = holder?.pid ? `pid ${holder.pid} (${holder.command})` : (holder?.command ?? 'another process');
  const hint = holder?.command.includes(root) ? ' It runs from this checkout, but no npm start recorded it in .run/pids.' : '';
  const move = urlVar ? `set ${portVar}, and the port in ${urlVar},` : `set ${portVar}`;
  return `port ${port} (${name}) is held by ${who}, which npm start did not start.${hint} Stop it${holder?.pid ? ` (kill ${holder.pid})` : ''}, or ${move} to a free port in your environment or Pupero-Assets/.env; then run npm start again`;
}

async function waitForFile(service) {
  for (let i = 0; i < 360; i += 1) {
    if (stopping || existsSync(`${root}${service.readyFile}`)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  await stopAll(1, `${service.name} was not ready within 180 s`);
}

async function waitHealthy(service, port) {
  const url = `http://127.0.0.1:${port}/healthz`;
  let last = 'no answer';
  for (let i = 0; i < 120; i += 1) {
    if (stopping) return;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (response.ok) return;
      const body = await response.json().catch(() => ({}));
      last = `${response.status}${body.reason ? `: ${body.reason}` : ` ${JSON.stringify(body.checks ?? body)}`}`;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stopAll(1, `${service.name} was not healthy at ${url} within 60 s (last answer ${last})`);
}
