import type { PrismaClient } from './generated/client.ts';

export interface AuditEntry {
  userId?: number | null | undefined;
  actorId?: number | null | undefined;
  ip?: string | null | undefined;
  details?: Record<string, string | number | boolean | null> | undefined;
}

/**
 * One row of the audit log (logins, 2FA changes, withdrawals, admin actions); kept when the user goes.
 * `createMany`, not `create`: `create` reads the row back, and most services may only append to it.
 * `at` stamps the row with the service's clock instead of the database's.
 */
export async function writeAudit(prisma: Pick<PrismaClient, 'auditLog'>, action: string, entry: AuditEntry = {}, at?: Date): Promise<void> {
  await prisma.auditLog.createMany({
    data: [
      {
        action,
        userId: entry.userId ?? null,
        actorId: entry.actorId ?? entry.userId ?? null,
        ip: entry.ip ?? null,
        ...(entry.details ? { details: entry.details } : {}),
        ...(at ? { createdAt: at } : {}),
      },
    ],
  });
}
