import { type AuditEntry, writeAudit } from '@pupero/shared/db';
import { clock, type LoginDeps } from '../deps.ts';

export type AuditAction =
  | 'LOGIN'
  /** A wrong password, unknown user or wrong login code; details.device when a valid device token came with it. */
  | 'LOGIN_FAILED'
  /** A wrong TOTP code in a check made from a signed-in session (2FA changes, deletion, withdrawals, releases). */
  | 'SECOND_FACTOR_FAILED'
  /** A wrong current password in a check made from a signed-in session (profile, deletion, 2FA changes). */
  | 'SESSION_PASSWORD_FAILED'
  | 'REGISTERED'
  | 'PROFILE_UPDATED'
  | 'ACCOUNT_DELETED'
  | 'TOTP_ENABLE_STARTED'
  | 'TOTP_ENABLED'
  | 'TOTP_DISABLED'
  /** details.left: the user's unspent recovery codes after this one. */
  | 'RECOVERY_CODE_USED'
  | 'REFRESH_TOKEN_REUSED'
  | 'ROLE_CHANGED'
  | 'LOGGED_OUT_EVERYWHERE';

/**
 * One audit row, stamped with the service's clock (not the database's): the throttles count these
 * rows by time, and a test's clock must move them as it moves everything else.
 */
export function audit(deps: Pick<LoginDeps, 'prisma' | 'now'>, action: AuditAction, entry: AuditEntry = {}): Promise<void> {
  return writeAudit(deps.prisma, action, entry, clock(deps));
}
