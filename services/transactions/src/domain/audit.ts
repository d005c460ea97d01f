import { type AuditEntry, writeAudit } from '@pupero/shared/db';
import type { TransactionsDeps } from '../deps.ts';

export type AuditAction = 'WITHDRAWAL_REQUESTED' | 'ADMIN_LEDGER_SUMMARY' | 'LEDGER_CORRECTION';

export async function audit(deps: Pick<TransactionsDeps, 'prisma'>, action: AuditAction, entry: AuditEntry): Promise<void> {
  await writeAudit(deps.prisma, action, entry);
}
