import { Prisma } from '@pupero/shared/db';
import type { LoginDeps } from '../deps.ts';

/**
 * The throttles' facts, read from the audit log: failures are LOGIN_FAILED rows (details.device
 * set when a valid device token came with them, details.identifier, a hash, when no account
 * matched) and SECOND_FACTOR_FAILED / SESSION_PASSWORD_FAILED rows of signed-in checks. Every
 * replica reads the same rows, so the limits hold across replicas without another store.
 */
export type FailureScope =
  | { kind: 'account-at-address'; userId: number; ip: string }
  | { kind: 'unknown-at-address'; identifier: string; ip: string }
  | { kind: 'account-untrusted'; userId: number }
  | { kind: 'device'; userId: number; deviceId: string }
  | { kind: 'signed-in'; userId: number };

const untrusted = Prisma.sql`JSON_VALUE(details, '$.device') IS NULL`;

function condition(scope: FailureScope): Prisma.Sql {
  switch (scope.kind) {
    case 'account-at-address':
      return Prisma.sql`action = 'LOGIN_FAILED' AND user_id = ${scope.userId} AND ip = ${scope.ip} AND ${untrusted}`;
    case 'unknown-at-address':
      return Prisma.sql`action = 'LOGIN_FAILED' AND ip = ${scope.ip} AND user_id IS NULL
        AND JSON_VALUE(details, '$.identifier') = ${scope.identifier}`;
    case 'account-untrusted':
      return Prisma.sql`action = 'LOGIN_FAILED' AND user_id = ${scope.userId} AND ${untrusted}`;
    case 'device':
      return Prisma.sql`action = 'LOGIN_FAILED' AND user_id = ${scope.userId} AND JSON_VALUE(details, '$.device') = ${scope.deviceId}`;
    case 'signed-in':
      return Prisma.sql`action IN ('SECOND_FACTOR_FAILED', 'SESSION_PASSWORD_FAILED') AND user_id = ${scope.userId}`;
  }
}

/** When the newest `limit` failures of a scope happened since `since`, newest first. */
export async function recentFailures(deps: Pick<LoginDeps, 'prisma'>, scope: FailureScope, since: Date, limit: number): Promise<Date[]> {
  const rows = await deps.prisma.$queryRaw<{ createdAt: Date }[]>`
    SELECT created_at AS createdAt FROM audit_log
    WHERE ${condition(scope)} AND created_at >= ${since}
    ORDER BY created_at DESC LIMIT ${limit}`;
  return rows.map((row) => row.createdAt);
}

/**
 * The accounts (and unknown identifiers) that untrusted clients failed to log in to from one
 * address since `since`: the newest failure of each, newest first, at most `limit` of them.
 */
export async function accountsFailedFrom(deps: Pick<LoginDeps, 'prisma'>, ip: string, since: Date, limit: number): Promise<Date[]> {
  const rows = await deps.prisma.$queryRaw<{ last: Date }[]>`
    SELECT MAX(created_at) AS last FROM audit_log
    WHERE action = 'LOGIN_FAILED' AND ip = ${ip} AND created_at >= ${since} AND ${untrusted}
    GROUP BY COALESCE(CONCAT('user:', user_id), CONCAT('unknown:', JSON_VALUE(details, '$.identifier')))
    ORDER BY last DESC LIMIT ${limit}`;
  return rows.map((row) => row.last);
}
