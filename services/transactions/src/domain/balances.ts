import { AppError } from '@pupero/shared/errors';
import type { AccessIdentity } from '@pupero/shared/jwt';
import { formatXmr } from '@pupero/shared/money';
import type { TransactionsDeps } from '../deps.ts';
import { userAccount } from '../ledger/accounts.ts';

/** A user sees their own money; an admin may look at anyone's. */
export function assertMayRead(identity: AccessIdentity, userId: number): void {
  if (identity.userId !== userId && identity.role !== 'admin') throw new AppError('FORBIDDEN', "You may not read another user's account");
}

export async function balanceOf(deps: TransactionsDeps, userId: number) {
  const [row] = (await deps.pool.query('SELECT balance, held FROM accounts WHERE code = ?', [userAccount(userId)])) as {
    balance: bigint;
    held: bigint;
  }[];
  const balance = row?.balance ?? 0n;
  const held = row?.held ?? 0n;
  return { userId, available: formatXmr(balance - held), held: formatXmr(held), total: formatXmr(balance) };
}
