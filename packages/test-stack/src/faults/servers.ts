import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import path from 'node:path';
import { type BrokerPlan, brokerDefinitions } from '@pupero/shared/broker-provisioning';
import mariadb from 'mariadb';
import { type FaultMode, type Supervised, spawnChild, stopChild, until } from './processes.ts';

/**
 * The run's own MariaDB and RabbitMQ, never the machine's shared ones (other test files use those
 * while this runs, and a restart would break them): data, sockets, ports and logs under `dir`.
 */
export interface PrivateMariaDb extends Supervised {
  /** root, no password, over TCP. */
  adminUrl: string;
}

export async function privateMariaDb(dir: string, port: number): Promise<PrivateMariaDb> {
  const data = path.join(dir, 'data');
  const install = spawnSync(
    'mariadb-install-db',
    ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--user=root'],
    { encoding: 'utf8' },
  );
  if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr}`);
  const adminUrl = `mysql://root@127.0.0.1:${port}/`;
  let child: ChildProcess | undefined;
  const server: PrivateMariaDb = {
    name: 'mariadb',
    adminUrl,
    async start() {
      child = spawnChild(
        'mariadbd',
        [
          '--no-defaults',
          `--datadir=${data}`,
          `--port=${port}`,
          `--socket=${path.join(dir, 'mariadb.sock')}`,
          `--pid-file=${path.join(dir, 'mariadb.pid')}`,
          '--bind-address=127.0.0.1',
          '--skip-name-resolve',
          '--user=root',
          '--max-connections=500',
        ],
        { logFile: path.join(dir, 'mariadb.log') },
      );
      await until('MariaDB', () => ping(adminUrl), 60, child);
    },
    stop: (mode: FaultMode) => stopChild(child, mode, 60),
    shutdown: () => stopChild(child, 'graceful', 60),
  };
  return server;
}

async function ping(url: string) {
  const conn = await mariadb.createConnection({ host: '127.0.0.1', port: Number(new URL(url).port), user: 'root', connectTimeout: 1000 });
  await conn.end();
  return true;
}

export interface PrivateRabbitMq extends Supervised {
  /** host and port only: each service connects as its own user. */
  url: string;
  /** Creates the services' users and the topology (rabbitmqctl import_definitions on this node). */
  provision(plan: BrokerPlan): Promise<void>;
}

const RABBIT_BIN = '/usr/lib/rabbitmq/bin';

export async function privateRabbitMq(dir: string, ports: { amqp: number; dist: number }): Promise<PrivateRabbitMq> {
  const node = `pupero-faults-${ports.amqp}@localhost`;
  const home = path.join(dir, 'home');
  mkdirSync(home, { recursive: true });
  // Empty files and a config of its own: /etc/rabbitmq's would put it on the shared node's port and name.
  writeFileSync(path.join(dir, 'plugins'), '');
  writeFileSync(path.join(dir, 'env.conf'), '');
  writeFileSync(path.join(dir, 'rabbitmq.conf'), `listeners.tcp.1 = 127.0.0.1:${ports.amqp}\n`);
  const env = {
    ...process.env,
    HOME: home,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(ports.amqp),
    RABBITMQ_DIST_PORT: String(ports.dist),
    RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'plugins'),
    RABBITMQ_CONF_ENV_FILE: path.join(dir, 'env.conf'),
    RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq.conf'),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    // The script then execs the Erlang VM instead of forking it: the signals reach the broker itself
    // (a kill -9 of a forking script would leave the broker running), and the VM stops cleanly on SIGTERM.
    RUNNING_UNDER_SYSTEMD: 'true',
  };
  let child: ChildProcess | undefined;
  const ctl = (args: string[], input?: string) =>
    new Promise<void>((resolve, reject) => {
      const run = spawn(`${RABBIT_BIN}/rabbitmqctl`, ['-n', node, ...args], { env, stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      run.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      run.on('error', reject);
      run.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`rabbitmqctl ${args[0]} failed (${code}): ${stderr.trim()}`))));
      run.stdin.end(input ?? '');
    });
  return {
    name: 'rabbitmq',
    url: `amqp://127.0.0.1:${ports.amqp}`,
    async start() {
      if (await portAnswers(ports.amqp)) throw new Error(`port ${ports.amqp} still answers: the last broker did not stop`);
      child = spawnChild(`${RABBIT_BIN}/rabbitmq-server`, [], { env, cwd: dir, logFile: path.join(dir, 'rabbitmq.out') });
      await until('RabbitMQ', () => portAnswers(ports.amqp), 120, child);
    },
    stop: (mode) => stopChild(child, mode, 60),
    shutdown: () => stopChild(child, 'graceful', 60),
    // Through stdin: no password hash on a command line.
    provision: (plan) => ctl(['import_definitions'], JSON.stringify(brokerDefinitions(plan))),
  };
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
