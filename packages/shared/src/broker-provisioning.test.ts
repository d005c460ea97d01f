import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { exchangeFor } from './amqp.ts';
import { brokerDefinitions, brokerPermissions, defaultBrokerNames, rabbitPasswordHash } from './broker-provisioning.ts';

const root = new URL('../../../', import.meta.url);
const composeDefinitions = JSON.parse(readFileSync(new URL('compose/rabbitmq/definitions.json', root), 'utf8'));

/** The demo passwords of docker-compose.yml's broker URLs (public, refused outside regtest). */
const demo = {
  passwords: { transactions: 'demo-only-transactions-broker-password', 'wallet-manager': 'demo-only-wallet-manager-broker-password' },
  admin: { name: 'pupero-admin', password: 'demo-only-admin-broker-password' },
};

/** RabbitMQ's own check of a sha256 password hash, written out independently of ours. */
function matches(hash: string, password: string) {
  const raw = Buffer.from(hash, 'base64');
  const salt = raw.subarray(0, 4);
  return createHash('sha256')
    .update(Buffer.concat([salt, Buffer.from(password)]))
    .digest()
    .equals(raw.subarray(4));
}

const withoutHashes = (definitions: { users: { password_hash: string }[] }) => ({
  ...definitions,
  users: definitions.users.map(({ password_hash: _hash, ...rest }) => rest),
});

describe('the broker plan', () => {
  it('gives each service one exact name to write and one to read, and nothing to configure', () => {
    assert.deepEqual(brokerPermissions(defaultBrokerNames), {
      transactions: { configure: '^$', write: '^pupero\\.withdrawals\\.exchange$', read: '^pupero\\.withdrawal-results$' },
      'wallet-manager': { configure: '^$', write: '^pupero\\.withdrawal-results\\.exchange$', read: '^pupero\\.withdrawals$' },
    });
    const { transactions, 'wallet-manager': wallet } = brokerPermissions(defaultBrokerNames);
    const names = [...Object.values(defaultBrokerNames), ...Object.values(defaultBrokerNames).map(exchangeFor), 'amq.default', ''];
    const allowed = (pattern: string) => names.filter((name) => new RegExp(pattern).test(name));
    assert.deepEqual(allowed(transactions.write), ['pupero.withdrawals.exchange']);
    assert.deepEqual(allowed(transactions.read), ['pupero.withdrawal-results']);
    assert.deepEqual(allowed(wallet.write), ['pupero.withdrawal-results.exchange']);
    assert.deepEqual(allowed(wallet.read), ['pupero.withdrawals']);
    assert.deepEqual(allowed(transactions.configure), [''], 'not even the default exchange');
  });

  it('hashes passwords as RabbitMQ does (salted SHA-256)', () => {
    const hash = rabbitPasswordHash('a password');
    assert.equal(Buffer.from(hash, 'base64').length, 36);
    assert.ok(matches(hash, 'a password'));
    assert.ok(!matches(hash, 'another password'));
    assert.notEqual(rabbitPasswordHash('a password'), hash, 'a fresh salt each time');
  });

  it("is what compose/rabbitmq/definitions.json holds, with the demo passwords of the services' URLs", () => {
    const planned = brokerDefinitions({ ...defaultBrokerNames, ...demo });
    assert.deepEqual(withoutHashes(composeDefinitions), withoutHashes(planned));
    const password = (name: string) =>
      name === 'pupero-admin' ? demo.admin.password : demo.passwords[name.replace('pupero-', '') as keyof typeof demo.passwords];
    for (const user of composeDefinitions.users) assert.ok(matches(user.password_hash, password(user.name)), `${user.name}'s password`);
    assert.deepEqual(
      composeDefinitions.queues.map((q: { name: string; durable: boolean }) => [q.name, q.durable]),
      [
        ['pupero.withdrawals', true],
        ['pupero.withdrawal-results', true],
      ],
    );
  });

  it('loads the definitions at boot in the Compose layouts', () => {
    const conf = readFileSync(new URL('compose/rabbitmq/rabbitmq.conf', root), 'utf8');
    assert.match(conf, /^load_definitions = \/etc\/rabbitmq\/definitions\.json$/m);
  });
});
