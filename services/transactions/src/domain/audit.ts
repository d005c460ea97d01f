import type { TransactionsDeps } from '../deps.ts';

export type AuditAction = 'WITHDRAWAL_REQUESTED' | 'ADMIN_LEDGER_SUMMARY';

export async function audit(
  deps: Pick<TransactionsDeps, 'prisma'>,
  action: AuditAction,
  entry: { userId?: number; actorId?: number; ip?: string; details?: Record<string, string | number | boolean | null> },
): Promise<void> {
  await deps.prisma.auditLog.create({
    data: {
      action,
      userId: entry.userId ?? null,
      actorId: entry.actorId ?? entry.userId ?? null,
      ip: entry.ip ?? null,
      ...(entry.details ? { details: entry.details } : {}),
    },
  });
}
