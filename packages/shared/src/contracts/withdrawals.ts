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

export const withdrawalResult = z.discriminatedUnion('status', [
  z.object({
    type: z.literal('withdrawal.result'),
    status: z.literal('SENDING'),
    withdrawalId: id,
    txHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  }),
  z.object({
    type: z.literal('withdrawal.result'),
    status: z.literal('SENT'),
    withdrawalId: id,
    txHash: z.string().regex(/^[0-9a-f]{64}$/),
    networkFee: xmr,
  }),
  z.object({ type: z.literal('withdrawal.result'), status: z.literal('FAILED'), withdrawalId: id, reason: z.string().min(1).max(255) }),
]);
export type WithdrawalResult = z.infer<typeof withdrawalResult>;
