import { z } from 'zod';

/**
 * The withdrawal messages on RabbitMQ. Amounts are decimal XMR strings (exact, never floats);
 * ids are decimal strings (BIGINT). Every message carries the withdrawal id, so a consumer can
 * treat a redelivery as the same request.
 */
const xmr = z.string().regex(/^\d+(\.\d{1,12})?$/);
const id = z.string().regex(/^\d+$/);

export const withdrawalRequested = z.object({
  type: z.literal('withdrawal.requested'),
  withdrawalId: id,
  userId: z.number().int().positive(),
  address: z.string().min(1).max(128),
  amount: xmr,
  requestedAt: z.string(),
});
export type WithdrawalRequested = z.infer<typeof withdrawalRequested>;

/**
 * Every result names the withdrawal, and the address and amount the wallet manager acted on: the
 * ledger applies it only when they are the ones it asked for. Both kinds of message are signed by
 * their sender (auth/signed-message.ts); a FAILED means the wallet manager has recorded that it
 * will never send this withdrawal.
 */
const resultOf = { type: z.literal('withdrawal.result'), withdrawalId: id, address: z.string().min(1).max(128), amount: xmr };

export const withdrawalResult = z.discriminatedUnion('status', [
  z.object({
    ...resultOf,
    status: z.literal('SENDING'),
    txHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  }),
  z.object({ ...resultOf, status: z.literal('SENT'), txHash: z.string().regex(/^[0-9a-f]{64}$/), networkFee: xmr }),
  z.object({ ...resultOf, status: z.literal('FAILED'), reason: z.string().min(1).max(255) }),
]);
export type WithdrawalResult = z.infer<typeof withdrawalResult>;
