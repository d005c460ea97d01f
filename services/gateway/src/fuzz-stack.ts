import type { JsonResponse } from '@pupero/shared/testing';
import { startBareChain, startOffersAndWallet } from '@pupero/test-stack/every-service';
import { ADDRESS, type LedgerStack, startLedgerStack } from '@pupero/test-stack/ledger';
import { sellOfferBody, TEST_PAYMENT_DETAILS } from '@pupero/test-stack/offers';

export interface Account {
  id: number;
  username: string;
  password: string;
  token: string;
}

/** Real ids of things the signed-in callers own or take part in: the fuzz puts them in paths. */
export interface Fixtures {
  userIds: string[];
  usernames: string[];
  offerIds: string[];
  tradeIds: string[];
  withdrawalIds: string[];
}

export interface FuzzStack extends LedgerStack {
  /** What no answer may name: every upstream's and the chain's host:port, the database, the queues. */
  internalNames: string[];
  user: Account;
  admin: Account;
  fixtures: Fixtures;
  /** A new access token for a caller whose sessions a fuzzed request ended (POST /auth/me/logout-all). */
  signIn(account: Account): Promise<string>;
  stop(): Promise<void>;
}

async function must(response: Promise<JsonResponse>, status: number, what: string) {
  const res = await response;
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * The fixtures: a price for every currency (the admin's fallback: no feed here, and without a
 * price GET /prices answers its documented 503), a maker with two offers, the fuzzed user with an
 * offer of their own, a trade with each side, one of them disputed, and a withdrawal.
 */
async function makeFixtures(stack: LedgerStack, user: Account, maker: Account, admin: Account): Promise<Fixtures> {
  const { api } = stack;
  const document = await must(api('GET', '/openapi.json'), 200, 'openapi.json');
  const currencies: string[] = document.paths['/prices/{fiatCurrency}'].get.parameters[0].schema.enum;
  for (const currency of currencies) {
    await must(api('PUT', `/admin/prices/${currency}`, { token: admin.token, body: { price: '150.00' } }), 200, `price of ${currency}`);
  }
  await Promise.all([stack.fund(user.id, '50'), stack.fund(maker.id, '50')]);
  const offer = (owner: Account) =>
    must(
      api('POST', '/offers', {
        token: owner.token,
        body: sellOfferBody({ paymentWindowMinutes: 600, paymentDetails: TEST_PAYMENT_DETAILS }),
      }),
      201,
      'offer',
    ).then((body) => String(body.id));
  // Two offers of the maker: one unpaid trade per offer and taker is all the default caps allow.
  const [makerOffer, secondOffer, ownOffer] = [await offer(maker), await offer(maker), await offer(user)];
  const trade = (offerId: string, taker: Account) =>
    must(
      api('POST', `/offers/${offerId}/trades`, { token: taker.token, body: { amount: '0.5', paymentMethod: 'SEPA' } }),
      201,
      'trade',
    ).then((body) => String(body.id));
  const asBuyer = await trade(makerOffer, user);
  const asSeller = await trade(ownOffer, maker);
  const disputed = await trade(secondOffer, user);
  await must(api('POST', `/trades/${disputed}/paid`, { token: user.token }), 200, 'paid');
  await must(
    api('POST', `/trades/${disputed}/dispute`, { token: user.token, body: { reason: 'the payment never arrived' } }),
    200,
    'dispute',
  );
  const withdrawal = await must(
    api('POST', '/withdraw', {
      token: user.token,
      headers: { 'idempotency-key': 'fuzz-fixture-withdrawal' },
      body: { address: ADDRESS, amount: '1' },
    }),
    202,
    'withdrawal',
  );
  return {
    userIds: [String(user.id), String(maker.id)],
    usernames: [user.username, maker.username],
    offerIds: [makerOffer, secondOffer, ownOffer],
    tradeIds: [asBuyer, asSeller, disputed],
    withdrawalIds: [String(withdrawal.id)],
  };
}

/**
 * Every service behind a real gateway over one fresh database, with the gateway's per-address
 * limits lifted (startLedgerStack's test settings): login, transactions, offers and the wallet
 * manager on a regtest chain where nothing is mined. A plain user and an admin are signed in.
 */
export async function startFuzzStack(options: { loginEnv?: Record<string, string> } = {}): Promise<FuzzStack> {
  const chainStarting = startBareChain();
  try {
    let beside: string[] = [];
    const stack = await startLedgerStack({
      loginEnv: options.loginEnv,
      beside: async (context) => {
        const services = await startOffersAndWallet(context, await chainStarting);
        beside = [context.loginUrl, context.transactionsUrl, ...Object.values(services.gatewayEnv)];
        return services;
      },
    });
    const chain = await chainStarting;
    const internalNames = [
      ...[...beside, chain.daemon.url, chain.platform.url, chain.faucet.url].map((url) => new URL(url).host),
      stack.login.db.name,
      stack.queue,
      stack.resultsQueue,
    ];
    const [user, maker, admin] = await Promise.all(['fz', 'mk', 'ad'].map((prefix) => stack.signUp(prefix)));
    const adminToken = await stack.makeAdmin(admin!.username, admin!.password);
    const fixtures = await makeFixtures(stack, user!, maker!, { ...admin!, token: adminToken });
    const signIn = async (account: Account) =>
      (await must(stack.api('POST', '/auth/login', { body: { identifier: account.username, password: account.password } }), 200, 'login'))
        .accessToken as string;
    return Object.assign(stack, {
      internalNames,
      user: user!,
      admin: { ...admin!, token: adminToken },
      fixtures,
      signIn,
      async stop() {
        await stack.close();
        await (await chainStarting).stop();
      },
    });
  } catch (error) {
    await (await chainStarting.catch(() => undefined))?.stop();
    throw error;
  }
}
