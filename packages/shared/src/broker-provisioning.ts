import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { exchangeFor } from './amqp.ts';

/**
 * The broker's users, rights and topology: each service that uses RabbitMQ has its own user, which
 * may publish only to its own outgoing exchange and read only its own incoming queue. Nobody but an
 * administrator declares, binds, purges or deletes anything (no `configure` right). Names go
 * through `exchangeFor`: a publish needs `write` on the exchange, so the exchange's name differs
 * from the queue's, and every pattern is one exact name.
 *
 *   transactions   → pupero.withdrawals.exchange         → pupero.withdrawals         → wallet manager
 *   wallet manager → pupero.withdrawal-results.exchange  → pupero.withdrawal-results  → transactions
 */
export const brokerServices = ['transactions', 'wallet-manager'] as const;
export type BrokerService = (typeof brokerServices)[number];

export interface BrokerNames {
  /** Withdrawal requests: transactions → wallet manager. */
  queue: string;
  /** Withdrawal results: wallet manager → transactions. */
  resultsQueue: string;
}

export const defaultBrokerNames: BrokerNames = { queue: 'pupero.withdrawals', resultsQueue: 'pupero.withdrawal-results' };

export interface BrokerPlan extends BrokerNames {
  passwords: Record<BrokerService, string>;
  /** `pupero-` for a deployment (`pupero-transactions`); tests use their own, so they never touch the local stack's users. */
  userPrefix?: string;
  /** An operator's account (management UI, rabbitmqctl's peers); not needed where one exists. */
  admin?: { name: string; password: string };
}

export interface Permission {
  configure: string;
  write: string;
  read: string;
}

export const brokerUser = (service: BrokerService, prefix = 'pupero-') => `${prefix}${service}`;

const exactly = (name: string) => `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;

/** Who may do what: each service writes to the exchange of the queue it feeds, and reads the queue it consumes. */
export function brokerPermissions(names: BrokerNames): Record<BrokerService, Permission> {
  return {
    transactions: { configure: '^$', write: exactly(exchangeFor(names.queue)), read: exactly(names.resultsQueue) },
    'wallet-manager': { configure: '^$', write: exactly(exchangeFor(names.resultsQueue)), read: exactly(names.queue) },
  };
}

/** RabbitMQ's `rabbit_password_hashing_sha256`: base64(salt ‖ sha256(salt ‖ password)), a 4-byte salt. */
export function rabbitPasswordHash(password: string, salt = randomBytes(4)): string {
  const digest = createHash('sha256')
    .update(Buffer.concat([salt, Buffer.from(password, 'utf8')]))
    .digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

const user = (name: string, password: string, tags: string[]) => ({
  name,
  password_hash: rabbitPasswordHash(password),
  hashing_algorithm: 'rabbit_password_hashing_sha256',
  tags,
  limits: {},
});

/**
 * The whole setup as a RabbitMQ definitions document: what `rabbitmqctl import_definitions` takes,
 * and what a node loads at boot (compose/rabbitmq/definitions.json is one of these).
 */
export function brokerDefinitions(plan: BrokerPlan) {
  const vhost = '/';
  const permissions = brokerPermissions(plan);
  const queues = [plan.queue, plan.resultsQueue];
  return {
    users: [
      ...(plan.admin ? [user(plan.admin.name, plan.admin.password, ['administrator'])] : []),
      ...brokerServices.map((service) => user(brokerUser(service, plan.userPrefix), plan.passwords[service], [])),
    ],
    vhosts: [{ name: vhost }],
    permissions: [
      ...(plan.admin ? [{ user: plan.admin.name, vhost, configure: '.*', write: '.*', read: '.*' }] : []),
      ...brokerServices.map((service) => ({ user: brokerUser(service, plan.userPrefix), vhost, ...permissions[service] })),
    ],
    exchanges: queues.map((queue) => ({
      name: exchangeFor(queue),
      vhost,
      type: 'fanout',
      durable: true,
      auto_delete: false,
      internal: false,
      arguments: {},
    })),
    queues: queues.map((name) => ({ name, vhost, durable: true, auto_delete: false, arguments: {} })),
    bindings: queues.map((queue) => ({
      source: exchangeFor(queue),
      vhost,
      destination: queue,
      destination_type: 'queue',
      routing_key: '',
      arguments: {},
    })),
  };
}

function importDefinitions(definitions: object, rabbitmqctl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // Through stdin: no password (nor its hash) on a command line or in a file.
    const child = spawn(rabbitmqctl, ['import_definitions'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`rabbitmqctl import_definitions failed (${code}): ${stderr.trim()}`)),
    );
    child.stdin.end(JSON.stringify(definitions));
  });
}

/** The AMQP URL of each service's user on the broker at `brokerUrl` (its host and port; its credentials are ignored). */
export function serviceBrokerUrls(plan: Pick<BrokerPlan, 'passwords' | 'userPrefix'>, brokerUrl: string): Record<BrokerService, string> {
  const base = new URL(brokerUrl);
  const urlFor = (service: BrokerService) => {
    const url = new URL(base);
    url.username = encodeURIComponent(brokerUser(service, plan.userPrefix));
    url.password = encodeURIComponent(plan.passwords[service]);
    return url.toString().replace(/\/$/, '');
  };
  return { transactions: urlFor('transactions'), 'wallet-manager': urlFor('wallet-manager') };
}

/** Connects as each user and checks what it needs is there (the import may finish a moment after rabbitmqctl returns). */
async function assertProvisioned(plan: BrokerPlan, urls: Record<BrokerService, string>, timeoutMs: number) {
  const needs: Record<BrokerService, [string, string]> = {
    transactions: [exchangeFor(plan.queue), plan.resultsQueue],
    'wallet-manager': [exchangeFor(plan.resultsQueue), plan.queue],
  };
  const deadline = Date.now() + timeoutMs;
  for (const service of brokerServices) {
    for (;;) {
      const connection = await amqp.connect(urls[service]).catch((error: Error) => error);
      try {
        if (connection instanceof Error) throw connection;
        connection.on('error', () => undefined);
        const channel = await connection.createChannel();
        channel.on('error', () => undefined);
        await channel.checkExchange(needs[service][0]);
        await channel.checkQueue(needs[service][1]);
        break;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`${brokerUser(service, plan.userPrefix)} cannot use the broker after provisioning`, { cause: error });
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        if (!(connection instanceof Error)) await connection.close().catch(() => undefined);
      }
    }
  }
}

/**
 * Brings the broker to the plan: creates or updates both users (and their passwords), sets their
 * permissions, and declares the exchanges, queues and bindings. Safe to run again and again (npm
 * start runs it at every start, tests once per stack). Needs `rabbitmqctl` on the broker's host
 * (as root); the management plugin is not used. Answers each service's AMQP URL.
 */
export async function provisionBroker(
  plan: BrokerPlan,
  options: { brokerUrl: string; rabbitmqctl?: string; timeoutMs?: number },
): Promise<Record<BrokerService, string>> {
  await importDefinitions(brokerDefinitions(plan), options.rabbitmqctl ?? 'rabbitmqctl');
  const urls = serviceBrokerUrls(plan, options.brokerUrl);
  await assertProvisioned(plan, urls, options.timeoutMs ?? 10_000);
  return urls;
}

/** The topology alone, over AMQP as an administrator: for a broker whose users someone else manages. */
export async function declareBrokerTopology(adminUrl: string, names: BrokerNames): Promise<void> {
  const connection = await amqp.connect(adminUrl);
  try {
    const channel = await connection.createChannel();
    for (const queue of [names.queue, names.resultsQueue]) {
      await channel.assertExchange(exchangeFor(queue), 'fanout', { durable: true });
      await channel.assertQueue(queue, { durable: true });
      await channel.bindQueue(queue, exchangeFor(queue), '');
    }
  } finally {
    await connection.close();
  }
}

/** Removes what `declareBrokerTopology` or `provisionBroker` declared (tests, after their run). */
export async function deleteBrokerTopology(adminUrl: string, names: BrokerNames): Promise<void> {
  const connection = await amqp.connect(adminUrl);
  try {
    const channel = await connection.createChannel();
    for (const queue of [names.queue, names.resultsQueue]) {
      await channel.deleteQueue(queue);
      await channel.deleteExchange(exchangeFor(queue));
    }
  } finally {
    await connection.close();
  }
}
