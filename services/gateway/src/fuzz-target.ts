import { ADDRESS, BAD_ADDRESS } from '@pupero/test-stack/ledger';
import fc from 'fast-check';
import type { Hints } from './fuzz-arbitraries.ts';
import { type FuzzRequest, type Operation, operationsOf, requestFrom } from './fuzz-requests.ts';
import type { FuzzTarget } from './fuzz-run.ts';
import type { FuzzStack } from './fuzz-stack.ts';
import { openStoreProbe } from './fuzz-store.ts';

export interface Fuzz {
  target: FuzzTarget;
  operations: Operation[];
  /** The requests of one operation, or of any operation (each equally likely). */
  requestsFor(operation?: Operation): fc.Arbitrary<FuzzRequest>;
  /** `count` requests of any operation, the same for the same seed. */
  sample(count: number, seed: number): FuzzRequest[];
  close(): Promise<void>;
}

/**
 * Bodies that pass every check the document cannot express (a fixed price or a margin, one payment
 * method once, min below max): with a fixture's id they reach the handlers' own rules. None carries
 * a password: a request that could delete or re-key the fuzzed accounts is never well formed.
 */
export function examplesFor(stack: FuzzStack): Record<string, unknown[]> {
  const amounts = { minAmount: '0.1', maxAmount: '1', paymentWindowMinutes: 30 };
  return {
    'POST /offers': [
      { side: 'SELL', fiatCurrency: 'EUR', paymentMethods: ['SEPA'], priceType: 'FIXED', fixedPrice: '150.00', ...amounts },
      {
        side: 'BUY',
        fiatCurrency: 'USD',
        paymentMethods: ['OTHER'],
        otherMethod: 'a local bank',
        priceType: 'MARKET',
        marginPercent: '1.5',
        ...amounts,
      },
    ],
    'PATCH /offers/{id}': [{ paymentWindowMinutes: 45 }, { status: 'PAUSED' }, { status: 'ACTIVE', terms: 'bank transfer only' }],
    'POST /offers/{id}/trades': [{ amount: '0.5', paymentMethod: 'SEPA' }],
    'POST /trades/{id}/messages': [{ body: 'hello' }],
    'POST /trades/{id}/dispute': [{ reason: 'the payment never arrived' }],
    'POST /trades/{id}/feedback': [{ rating: 'POSITIVE', comment: 'smooth' }],
    'POST /trades/{id}/release': [{}],
    'POST /withdraw': [{ address: ADDRESS, amount: '0.5' }],
    'POST /admin/ledger/corrections': [
      { key: 'fuzz-correction', account: `USER:${stack.user.id}`, direction: 'CREDIT', amount: '0.01', reason: 'a correction by the fuzz' },
    ],
    'PUT /admin/prices/{fiatCurrency}': [{ price: '151.00' }],
    'POST /admin/disputes/{id}/resolve': [{ winner: 'SELLER', note: 'bank statement checked' }],
    'POST /admin/withdraw/execute': stack.fixtures.withdrawalIds.map((withdrawalId) => ({ withdrawalId })),
    'POST /dev/faucet': [{ amount: '1' }],
  };
}

/**
 * The fuzz of a running stack: its operations read from the gateway's own /openapi.json, the
 * fixtures' ids for paths, a few values that pass validation (a valid address, a known payment
 * method), the error codes the document publishes, and a probe of the database.
 */
export async function fuzzOf(stack: FuzzStack): Promise<Fuzz> {
  const response = await stack.api('GET', '/openapi.json');
  if (response.status !== 200) throw new Error(`GET /openapi.json: ${response.status}`);
  const document = response.body;
  const operations = operationsOf(document);
  const errorCodes = new Set<string>(document.components.schemas.ErrorBody.properties.code.enum);
  const { fixtures } = stack;
  const hints: Hints = {
    address: [ADDRESS, BAD_ADDRESS],
    paymentMethod: ['SEPA', 'sepa', 'OTHER'],
    withdrawalId: fixtures.withdrawalIds,
    account: [`USER:${stack.user.id}`, 'HOT_WALLET'],
    amount: ['0.5', '1', '0.25'],
    minAmount: ['0.1', '1'],
    maxAmount: ['5', '2'],
    fixedPrice: ['150.00'],
    price: ['150.00', '0.01'],
    marginPercent: ['1.5', '-2'],
  };
  const examples = examplesFor(stack);
  const probe = await openStoreProbe(stack.login.db.url);
  const accounts = { user: stack.user, admin: stack.admin };
  const target: FuzzTarget = {
    gateway: new URL(stack.gatewayUrl),
    tokens: { user: stack.user.token, admin: stack.admin.token },
    signIn: (caller) => stack.signIn(accounts[caller]),
    probe,
    context: { errorCodes, internalNames: stack.internalNames },
  };
  const perOperation = new Map(
    operations.map((operation) => [operation, requestFrom(operation, fixtures, hints, examples[`${operation.method} ${operation.path}`])]),
  );
  const any = fc.oneof(...perOperation.values());
  return {
    target,
    operations,
    requestsFor: (operation) => (operation ? perOperation.get(operation)! : any),
    sample: (count, seed) => fc.sample(any, { seed, numRuns: count }),
    close: () => probe.close(),
  };
}
