import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { Resource, TradeState } from '@pupero/gateway/testing';
import { setRoleScript } from '@pupero/login/testing';
import type { JsonClient, JsonResponse } from '@pupero/shared/testing';
import { startBareChain, startOffersAndWallet } from './every-service.ts';
import { ADDRESS, type LedgerStack, startLedgerStack } from './ledger.ts';
import { sellOfferBody, TEST_PAYMENT_DETAILS } from './offers.ts';

export interface Account {
  id: number;
  username: string;
  password: string;
  token: string;
}

export interface MatrixStack {
  /** The gateway with every upstream configured, as in production. */
  api: JsonClient;
  seller: Account;
  buyer: Account;
  other: Account;
  moderator: Account;
  admin: Account;
  /** A fresh resource for one case: the id for the path, and the account it belongs to. */
  prepare(resource: Resource | undefined): Promise<{ id?: string; owner: Account }>;
  close(): Promise<void>;
}

/** The documented operator command (npm run set-role), then a new login: the token carries the role. */
async function promote(stack: LedgerStack, account: Account, role: 'moderator' | 'admin'): Promise<Account> {
  await promisify(execFile)(process.execPath, ['--import', 'tsx', setRoleScript, account.username, role], {
    env: { ...process.env, DATABASE_URL: stack.login.db.url },
  });
  const session = await stack.api('POST', '/auth/login', { body: { identifier: account.username, password: account.password } });
  if (session.status !== 200) throw new Error(`login as ${role} failed: ${session.status}`);
  return { ...account, token: session.body.accessToken };
}

async function must(response: Promise<JsonResponse>, status: number, what: string) {
  const res = await response;
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Offers, trades in a given state and withdrawals of the seller (and the buyer, for trades). */
function resourceMaker(api: JsonClient, seller: Account, buyer: Account) {
  const newOffer = async (): Promise<number> => {
    return (
      await must(
        api('POST', '/offers', { token: seller.token, body: sellOfferBody({ paymentDetails: TEST_PAYMENT_DETAILS }) }),
        201,
        'offer',
      )
    ).id;
  };
  let tradingOffer: Promise<number> | undefined;
  const tradeIn = async (state: TradeState): Promise<number> => {
    tradingOffer ??= newOffer();
    const body = { amount: '0.5', paymentMethod: 'SEPA' };
    const opened = await must(api('POST', `/offers/${await tradingOffer}/trades`, { token: buyer.token, body }), 201, 'open trade');
    const step = (action: string, token: string, stepBody?: unknown) =>
      must(api('POST', `/trades/${opened.id}/${action}`, { token, body: stepBody }), 200, action);
    if (state === 'AWAITING_PAYMENT') return opened.id;
    await step('paid', buyer.token);
    if (state === 'COMPLETED') await step('release', seller.token, {});
    if (state === 'DISPUTED') await step('dispute', buyer.token, { reason: 'the payment never arrived' });
    return opened.id;
  };
  const newWithdrawal = async (): Promise<string> => {
    const headers = { 'idempotency-key': randomUUID() };
    return (
      await must(api('POST', '/withdraw', { token: seller.token, headers, body: { address: ADDRESS, amount: '1' } }), 202, 'withdrawal')
    ).id;
  };

  return async (resource: Resource | undefined): Promise<{ id?: string; owner: Account }> => {
    switch (resource?.kind) {
      case undefined:
        return { owner: seller };
      case 'user-id':
        return { id: String(seller.id), owner: seller };
      case 'username':
        return { id: seller.username, owner: seller };
      case 'currency':
        return { id: 'EUR', owner: seller };
      case 'offer':
        return { id: String(await newOffer()), owner: seller };
      case 'withdrawal':
        return { id: await newWithdrawal(), owner: seller };
      case 'trade':
        return { id: String(await tradeIn(resource.state)), owner: resource.owner === 'buyer' ? buyer : seller };
    }
  };
}

/**
 * Every service behind the real gateway over one fresh database, the wallet manager on a bare
 * regtest chain (nothing mined), and the five kinds of caller: a seller with 100 XMR (the owner of
 * most things), a buyer (the owner of a trade's buyer actions), another user, a moderator and an admin.
 */
export async function startMatrixStack(): Promise<MatrixStack> {
  const chainStarting = startBareChain();
  // Every fixture trade is opened by one new buyer on one offer: the per-taker caps would refuse them.
  const caps = {
    TRADE_MAX_UNPAID_PER_TAKER: '1000',
    TRADE_MAX_UNPAID_PER_OFFER: '1000',
    TRADE_COOL_OFF_AFTER_UNPAID: '1000',
    TRADE_OPENS_PER_HOUR: '10000',
    TRADE_NEW_TAKER_MAX_XMR: '1000',
  };
  const stack = await startLedgerStack({ beside: async (context) => startOffersAndWallet(context, await chainStarting, caps) }).catch(
    async (error) => {
      // The chain's processes would keep the test file alive for ever: they go with a failed start.
      await (await chainStarting).stop();
      throw error;
    },
  );
  const chain = await chainStarting;
  const close = async () => {
    await stack.close();
    await chain.stop();
  };
  // Anything failing from here on stops what started, for the same reason.
  return callers(stack, close).catch(async (error) => {
    await close();
    throw error;
  });
}

/** The five kinds of caller, 100 XMR for the seller and a fallback EUR price (there is no price feed here). */
async function callers(stack: LedgerStack, close: () => Promise<void>): Promise<MatrixStack> {
  const { api } = stack;
  const [seller, buyer, other, plainModerator, plainAdmin] = await Promise.all(['se', 'bu', 'ot', 'mo', 'ad'].map((p) => stack.signUp(p)));
  const [moderator, admin] = await Promise.all([promote(stack, plainModerator!, 'moderator'), promote(stack, plainAdmin!, 'admin')]);
  await stack.fund(seller!.id, '100');
  await must(api('PUT', '/admin/prices/EUR', { token: admin.token, body: { price: '150.00' } }), 200, 'fallback price');
  return {
    api,
    seller: seller!,
    buyer: buyer!,
    other: other!,
    moderator,
    admin,
    prepare: resourceMaker(api, seller!, buyer!),
    close,
  };
}
