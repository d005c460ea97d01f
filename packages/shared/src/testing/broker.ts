import { randomBytes } from 'node:crypto';
import { type BrokerNames, type BrokerService, deleteBrokerTopology, provisionBroker } from '../broker-provisioning.ts';
import { testBrokerUrl } from './broker-lock.ts';

/** The test stacks' broker users: never the local stack's own `pupero-…` users, whose passwords they would change. */
export const TEST_BROKER_USER_PREFIX = 'pupero-test-';

/**
 * A test's own exchanges and queues (`names`), and the per-service users with exactly the rights a
 * deployment gives them, on those names, with fresh passwords. The caller holds the broker lock,
 * so one stack at a time owns the test users. Answers each service's AMQP URL.
 */
export async function provisionTestBroker(names: BrokerNames): Promise<Record<BrokerService, string>> {
  const password = () => randomBytes(24).toString('hex');
  return provisionBroker(
    { ...names, userPrefix: TEST_BROKER_USER_PREFIX, passwords: { transactions: password(), 'wallet-manager': password() } },
    { brokerUrl: testBrokerUrl() },
  );
}

/** Deletes a test's exchanges and queues, as the administrator. */
export const deleteTestBroker = (names: BrokerNames) => deleteBrokerTopology(testBrokerUrl(), names);
