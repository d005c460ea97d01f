import { z } from 'zod';
import { positiveXmrAmount } from '../money.ts';

/** Ledger bodies and answers of the transactions service (internal and public). */
/** User ids are INT columns: 1 … 2^31 − 1. */
export const userId = z.number().int().positive().max(2_147_483_647);
export const accountCode = z
  .string()
  .regex(/^(USER:[1-9]\d{0,9}|HOT_WALLET|ESCROW|FEES|WITHDRAWALS_PENDING)$/, { message: 'must be USER:<id> or a system account' })
  .refine((code) => !code.startsWith('USER:') || Number(code.slice(5)) <= 2_147_483_647, { message: 'user id out of range' });
export const idempotencyKey = z.string().regex(/^[A-Za-z0-9:_.-]{1,100}$/, { message: 'must be 1–100 of A-Z a-z 0-9 : _ . -' });
const id = z.string().regex(/^\d{1,19}$/);

export const transferBody = z.strictObject({
  key: idempotencyKey,
  from: accountCode,
  to: accountCode,
  amount: positiveXmrAmount,
  kind: z.enum(['TRANSFER', 'TRADE', 'FEE', 'ADJUSTMENT']).default('TRANSFER'),
  reference: z.string().max(128).optional(),
});

export const transferView = z.object({
  id,
  key: z.string(),
  from: z.string(),
  to: z.string(),
  amount: z.string(),
  kind: z.string(),
  reference: z.string().nullable(),
  createdAt: z.string(),
  replayed: z.boolean(),
});

const userAccountCode = accountCode.refine((code) => code.startsWith('USER:'), { message: 'must be a user account (USER:<id>)' });

/** A hold on a user's account, postable only to `counterparty` (another user), named now. */
export const holdBody = z
  .strictObject({
    key: idempotencyKey,
    account: userAccountCode,
    counterparty: userAccountCode,
    amount: positiveXmrAmount,
    reference: z.string().max(128).optional(),
  })
  .refine((body) => body.account !== body.counterparty, { message: 'a hold cannot be posted to its own account', path: ['counterparty'] });
export const holdParams = z.strictObject({ id });

export const holdView = z.object({
  id,
  key: z.string(),
  account: z.string(),
  counterparty: z.string().nullable(),
  amount: z.string(),
  state: z.enum(['PENDING', 'POSTED', 'VOIDED']),
  postedTo: z.string().nullable(),
  replayed: z.boolean(),
});

/**
 * An admin's correction of a user's balance against the hot wallet (a deposit the watcher missed,
 * a mistaken credit), with its reason for the audit log. Never between two users.
 */
export const correctionBody = z.strictObject({
  key: idempotencyKey,
  account: userAccountCode,
  direction: z.enum(['CREDIT', 'DEBIT']),
  amount: positiveXmrAmount,
  reason: z.string().trim().min(10, { message: 'must explain the correction in at least 10 characters' }).max(500),
});

export const depositBody = z.strictObject({
  userId,
  txHash: z.string().regex(/^[0-9a-f]{64}$/),
  subaddressIndex: z.number().int().min(0),
  amount: positiveXmrAmount,
});

export const balanceView = z.object({ userId: z.number().int(), available: z.string(), held: z.string(), total: z.string() });
/** What a withdrawal costs and allows, before one is asked: `maximum` is what "withdraw everything" sends (available − fee; 0 below the minimum). */
export const withdrawalTermsView = z.object({ fee: z.string(), minimum: z.string(), available: z.string(), maximum: z.string() });

export const historyQuery = z.strictObject({ cursor: id.optional(), limit: z.coerce.number().int().min(1).max(100).default(20) });
export const historyItem = z.object({
  id,
  kind: z.string(),
  direction: z.enum(['IN', 'OUT']),
  amount: z.string(),
  counterparty: z.string(),
  reference: z.string().nullable(),
  createdAt: z.string(),
});
export const historyView = z.object({ items: z.array(historyItem), nextCursor: id.nullable() });

export const withdrawBody = z.strictObject({
  address: z.string().min(1).max(128),
  amount: positiveXmrAmount,
  totp: z
    .string()
    .regex(/^\d{6}$/, { message: 'must be a 6-digit code' })
    .optional(),
});
export const withdrawalStates = ['PENDING', 'SENDING', 'SENT', 'FAILED', 'REFUNDED'] as const;
export const withdrawalView = z.object({
  id,
  userId: z.number().int(),
  state: z.enum(withdrawalStates),
  address: z.string(),
  amount: z.string(),
  fee: z.string(),
  networkFee: z.string().nullable(),
  txHash: z.string().nullable(),
  failureReason: z.string().nullable(),
  createdAt: z.string(),
});
export const withdrawalListView = z.object({ items: z.array(withdrawalView), nextCursor: id.nullable() });
/** The admin pages' list of every user's withdrawals, newest first, optionally in one state (those waiting: PENDING). */
export const adminWithdrawalsQuery = historyQuery.extend({ state: z.enum(withdrawalStates).optional() });

/** `/internal/users/:userId/…`: the user a service asks about (login, before deleting an account). */
export const internalUserParams = z.strictObject({ userId: z.coerce.number().pipe(userId) });

/** What of a user's money is not settled: any of it, and the account cannot be deleted. */
export const openMoneyView = z.object({
  open: z.boolean(),
  /** The account's total (available and held), in XMR. */
  balance: z.string(),
  pendingWithdrawals: z.number().int(),
  pendingDeposits: z.number().int(),
});
