import type { LoginDeps } from '../deps.ts';

export type AuditAction =
  | 'LOGIN'
  | 'LOGIN_FAILED'
  | 'REGISTERED'
  | 'PROFILE_UPDATED'
  | 'ACCOUNT_DELETED'
  | 'TOTP_ENABLE_STARTED'
  | 'TOTP_ENABLED'
  | 'TOTP_DISABLED'
  | 'REFRESH_TOKEN_REUSED'
  | 'ROLE_CHANGED';

export interface AuditEntry {
  userId?: number | null;
  actorId?: number | null;
  ip?: string | null;
  details?: Record<string, string | number | boolean | null>;
}

export async function audit(deps: Pick<LoginDeps, 'prisma'>, action: AuditAction, entry: AuditEntry = {}): Promise<void> {
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
