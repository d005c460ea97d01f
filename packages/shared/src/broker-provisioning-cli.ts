import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { type BrokerService, brokerDefinitions, brokerServices, defaultBrokerNames, provisionBroker } from './broker-provisioning.ts';
import { loadConfigOrExit } from './config.ts';

// `npm start` (at every start) and an operator: brings RabbitMQ to broker-provisioning.ts's plan
// with rabbitmqctl, then prints each broker service's environment as JSON:
//   {"transactions":{"RABBITMQ_URL":"amqp://pupero-transactions:…@127.0.0.1:5672"},"wallet-manager":{…}}
// The passwords come from TRANSACTIONS_BROKER_PASSWORD and WALLET_MANAGER_BROKER_PASSWORD (or
// `…_FILE`), or from BROKER_PASSWORDS_DIR, where missing ones are created once
// (`<service>-broker-password`, the names of compose/generate-secrets.sh) and then reused.
// With `--definitions` it only prints the definitions document (for a node that loads it at boot).
const password = z.string().min(16, 'must be at least 16 characters').optional();

const configSchema = z.object({
  /** Where the broker listens; its credentials, if any, are not used. */
  RABBITMQ_URL: z
    .string()
    .regex(/^amqps?:\/\//, 'must be an amqp:// URL')
    .default('amqp://127.0.0.1:5672'),
  RABBITMQ_QUEUE: z.string().min(1).default(defaultBrokerNames.queue),
  RABBITMQ_RESULTS_QUEUE: z.string().min(1).default(defaultBrokerNames.resultsQueue),
  TRANSACTIONS_BROKER_PASSWORD: password,
  WALLET_MANAGER_BROKER_PASSWORD: password,
  BROKER_PASSWORDS_DIR: z.string().min(1).optional(),
  BROKER_USER_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default('pupero-'),
  RABBITMQ_ADMIN_USER: z.string().min(1).optional(),
  RABBITMQ_ADMIN_PASSWORD: password,
});

const config = loadConfigOrExit(configSchema, process.env);

const passwordVariables = { transactions: 'TRANSACTIONS_BROKER_PASSWORD', 'wallet-manager': 'WALLET_MANAGER_BROKER_PASSWORD' } as const;

function passwordOf(service: BrokerService): string {
  const given = config[passwordVariables[service]];
  if (given) return given;
  if (!config.BROKER_PASSWORDS_DIR) {
    process.stderr.write(`${passwordVariables[service]} (or BROKER_PASSWORDS_DIR) is required\n`);
    process.exit(2);
  }
  const file = path.join(config.BROKER_PASSWORDS_DIR, `${service}-broker-password`);
  if (!existsSync(file)) {
    mkdirSync(config.BROKER_PASSWORDS_DIR, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file, 'utf8').trim();
}

const passwords = Object.fromEntries(brokerServices.map((service) => [service, passwordOf(service)])) as Record<BrokerService, string>;
const plan = {
  queue: config.RABBITMQ_QUEUE,
  resultsQueue: config.RABBITMQ_RESULTS_QUEUE,
  passwords,
  userPrefix: config.BROKER_USER_PREFIX,
  ...(config.RABBITMQ_ADMIN_USER && config.RABBITMQ_ADMIN_PASSWORD
    ? { admin: { name: config.RABBITMQ_ADMIN_USER, password: config.RABBITMQ_ADMIN_PASSWORD } }
    : {}),
};

if (process.argv.includes('--definitions')) {
  process.stdout.write(`${JSON.stringify(brokerDefinitions(plan), null, 2)}\n`);
} else {
  const urls = await provisionBroker(plan, { brokerUrl: config.RABBITMQ_URL });
  process.stdout.write(JSON.stringify(Object.fromEntries(brokerServices.map((service) => [service, { RABBITMQ_URL: urls[service] }]))));
}
