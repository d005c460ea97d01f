import { randomUUID } from 'node:crypto';
import { formatXmr, parseXmr } from '@pupero/shared/money';
import { sellOfferBody } from '../offers.ts';
import type { ApiClient } from './client.ts';
import { pause } from './processes.ts';

/** What got a success answer: each must be in the ledger exactly once (checks.ts). */
export interface Movements {
  deposits: { userId: number; txHash: string }[];
  trades: { id: number; outcome: 'post' | 'void'; how: string }[];
  withdrawals: { userId: number; key: string; amount: bigint; id: string }[];
  registrations: number;
}

export const newMovements = (): Movements => ({ deposits: [], trades: [], withdrawals: [], registrations: 0 });

export interface User {
  id: number;
  username: string;
  password: string;
  token: string;
}

const PASSWORD = 'a long enough password';
const TRADE_AMOUNT = '0.1';

export interface Workload {
  api: ApiClient;
  moves: Movements;
  admin: User;
  /** The outside wallet's address: where withdrawals go. */
  outside: string;
  /** Set when the faults are over: every journey ends after its current step. */
  stopped: () => boolean;
  /** Errors that are not the service's refusals (a bug in the run, or an answer that makes no sense). */
  anomalies: string[];
}

let serial = 0;
/** A unique withdrawal amount (0.002 XMR and a serial number of micro-XMR): the outside wallet counts each. */
function uniqueAmount() {
  serial += 1;
  return 2_000_000_000n + BigInt(serial) * 1_000_000n;
}

/** Registers (retrying as a client would: a 409 after an unanswered try means the first one went through) and signs in. */
export async function register(api: ApiClient, moves: Movements, prefix: string): Promise<User> {
  const username = `${prefix}_${randomUUID().slice(0, 8)}`;
  const created = await api('register', 'POST', '/auth/register', {
    body: { email: `${username}@example.test`, username, password: PASSWORD },
  });
  if (created.status !== 201 && !(created.status === 409 && created.attempts > 1)) throw new Error(`register ${created.status}`);
  moves.registrations += 1;
  return signIn(api, username);
}

export async function signIn(api: ApiClient, username: string): Promise<User> {
  const session = await api('login', 'POST', '/auth/login', { body: { identifier: username, password: PASSWORD } });
  if (session.status !== 200) throw new Error(`login ${session.status} ${JSON.stringify(session.body)}`);
  const me = await api('me', 'GET', '/auth/me', { token: session.body.accessToken });
  return { id: me.body.id, username, password: PASSWORD, token: session.body.accessToken };
}

/** A real outside payment from the regtest faucet to the user's deposit address. */
async function deposit(w: Workload, user: User, amount: string) {
  const paid = await w.api('faucet', 'POST', '/dev/faucet', { token: user.token, body: { amount } });
  if (paid.status === 200) w.moves.deposits.push({ userId: user.id, txHash: paid.body.txHash });
  return paid.status === 200;
}

async function available(w: Workload, user: User): Promise<bigint> {
  const balance = await w.api('balance', 'GET', `/balances/${user.id}`, { token: user.token });
  if (balance.status !== 200) return 0n;
  return parseXmr((balance.body as { available: string }).available);
}

/** How many seconds a buyer told the escrow is not held yet tries again before it counts as an anomaly. */
const ESCROW_WAIT_TRIES = 60;

/**
 * A trade transition that is not keyed: after an unanswered try, a conflict means the first try
 * may have gone through, and the trade's state says whether it did.
 */
async function transition(w: Workload, user: User, tradeId: number, action: string, body: unknown, reached: string[]) {
  let answer = await w.api(action, 'POST', `/trades/${tradeId}/${action}`, { token: user.token, body });
  // "Try again in a moment": the escrow of a trade opened while transactions restarted is not recorded yet.
  for (let wait = 0; answer.status === 409 && answer.body?.details?.reason === 'escrow-not-held' && wait < ESCROW_WAIT_TRIES; wait += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    answer = await w.api(action, 'POST', `/trades/${tradeId}/${action}`, { token: user.token, body });
  }
  if (answer.status === 200) return true;
  if (answer.attempts > 1 && answer.status === 409) {
    const now = await w.api('trade', 'GET', `/trades/${tradeId}`, { token: user.token });
    if (reached.includes(now.body?.state)) return true;
  }
  w.anomalies.push(`${action} on trade ${tradeId}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return false;
}

/** Opens a trade; after an unanswered try, the buyer's open trade on the offer is the one it opened (one unpaid trade per offer). */
async function openTrade(w: Workload, buyer: User, offerId: number): Promise<number | undefined> {
  const opened = await w.api('open trade', 'POST', `/offers/${offerId}/trades`, {
    token: buyer.token,
    body: { amount: TRADE_AMOUNT, paymentMethod: 'SEPA' },
  });
  if (opened.status === 201) return opened.body.id;
  // The seller's top-up is not credited yet: a refusal that moved nothing.
  if (opened.status === 422 && opened.body?.code === 'INSUFFICIENT_FUNDS') return undefined;
  if (opened.attempts > 1) {
    const mine = await w.api('my trades', 'GET', '/trades', { token: buyer.token });
    const open = (mine.body?.items ?? []).find(
      (t: { offerId: number; state: string }) => t.offerId === offerId && t.state === 'AWAITING_PAYMENT',
    );
    if (open) return open.id;
  }
  w.anomalies.push(`open trade on offer ${offerId}: ${opened.status} ${JSON.stringify(opened.body)}`);
  return undefined;
}

const outcomes = ['release', 'cancel', 'dispute-buyer', 'dispute-seller'] as const;

/** One trade to its end, as `kind` says. */
async function trade(w: Workload, seller: User, buyer: User, offerId: number, kind: (typeof outcomes)[number]) {
  const id = await openTrade(w, buyer, offerId);
  if (id === undefined) return;
  if (kind === 'cancel') {
    if (await transition(w, buyer, id, 'cancel', undefined, ['CANCELLED'])) w.moves.trades.push({ id, outcome: 'void', how: 'cancelled' });
    return;
  }
  if (!(await transition(w, buyer, id, 'paid', undefined, ['PAYMENT_SENT']))) return;
  if (kind === 'release') {
    if (await transition(w, seller, id, 'release', {}, ['COMPLETED'])) w.moves.trades.push({ id, outcome: 'post', how: 'released' });
    return;
  }
  if (!(await transition(w, buyer, id, 'dispute', { reason: 'the payment did not arrive' }, ['DISPUTED']))) return;
  const winner = kind === 'dispute-buyer' ? 'BUYER' : 'SELLER';
  const resolved = await w.api('resolve', 'POST', `/admin/disputes/${id}/resolve`, {
    token: w.admin.token,
    body: { winner, note: 'decided by the faults run' },
  });
  const done =
    resolved.status === 200 ||
    (resolved.attempts > 1 &&
      resolved.status === 409 &&
      (await w.api('trade', 'GET', `/trades/${id}`, { token: buyer.token })).body?.state === 'RESOLVED');
  if (done) w.moves.trades.push({ id, outcome: winner === 'BUYER' ? 'post' : 'void', how: `dispute won by ${winner.toLowerCase()}` });
  else w.anomalies.push(`resolve trade ${id}: ${resolved.status} ${JSON.stringify(resolved.body)}`);
}

/** A withdrawal of a unique amount to the outside wallet, keyed: a retry is the same withdrawal. */
async function withdraw(w: Workload, user: User) {
  const amount = uniqueAmount();
  const key = randomUUID();
  const answer = await w.api('withdraw', 'POST', '/withdraw', {
    token: user.token,
    key,
    body: { address: w.outside, amount: formatXmr(amount) },
  });
  if (answer.status === 202) w.moves.withdrawals.push({ userId: user.id, key, amount, id: answer.body.id });
  else if (answer.status !== 422) w.anomalies.push(`withdraw: ${answer.status} ${JSON.stringify(answer.body)}`);
}

/**
 * One pair's life while the faults run: both register, are paid by the faucet, wait for the
 * deposit and put up an offer; then trades go round (released, cancelled, disputes won by either
 * side), the two taking turns as seller so the money goes back and forth; the buyer withdraws, and
 * a newcomer registers, until the faults are over.
 */
export async function journey(w: Workload, n: number, mine: () => Promise<unknown>) {
  const pair = [await register(w.api, w.moves, `a${n}`), await register(w.api, w.moves, `b${n}`)] as const;
  const offers: number[] = [];
  for (const user of pair) {
    // Four payments, not one: each is an output of the platform wallet, and every send locks one
    // (its change) for 10 blocks, so more outputs let more withdrawals go out at once.
    for (let i = 0; i < 4; i += 1) await deposit(w, user, '0.5');
    await untilAvailable(w, user, 1_000_000_000_000n, mine);
    // A SELL offer carries the seller's payment details: without them 'money sent' is refused.
    const body = sellOfferBody({ paymentDetails: `IBAN FR76 3000 6000 0112 3456 7890 ${n}` });
    const offer = await w.api('offer', 'POST', '/offers', { token: user.token, body });
    if (offer.status !== 201) throw new Error(`offer ${offer.status} ${JSON.stringify(offer.body)}`);
    offers.push(offer.body.id);
  }
  for (let round = 0; !w.stopped(); round += 1) {
    const [seller, buyer] = round % 2 === 0 ? pair : ([pair[1], pair[0]] as const);
    const offerId = offers[round % 2]!;
    if ((await available(w, seller)) < 200_000_000_000n) await deposit(w, seller, '1');
    await trade(w, seller, buyer, offerId, outcomes[Math.floor(round / 2 + n) % outcomes.length]!);
    // Each send locks the wallet's change for 10 blocks: a withdrawal every tenth trade keeps sends flowing.
    if (round % 10 === 9) await withdraw(w, buyer);
    if (round % 3 === 2) await register(w.api, w.moves, `n${n}`);
    // A person's pace, not a benchmark's: the faults, not the load, are under test.
    await pause(300);
  }
}

async function untilAvailable(w: Workload, user: User, amount: bigint, mine: () => Promise<unknown>) {
  for (let waited = 0; (await available(w, user)) < amount; waited += 1) {
    if (waited > 300) throw new Error(`${user.username}'s deposit was not credited within 5 minutes`);
    await mine();
    await pause(1000);
  }
}
