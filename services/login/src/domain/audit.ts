import { type AuditEntry, writeAudit } from '@pupero/shared/db';
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
  | 'ROLE_CHANGED'
  | 'LOGGED_OUT_EVERYWHERE';

export async function audit(deps: Pick<LoginDeps, 'prisma'>, action: AuditAction, entry: AuditEntry = {}): Promise<void> {
  await writeAudit(deps.prisma, action, entry);
}
