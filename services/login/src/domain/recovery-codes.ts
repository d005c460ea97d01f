import { createHash, randomInt } from 'node:crypto';
import { AppError } from '@pupero/shared/errors';
import { clock, type LoginDeps } from '../deps.ts';
import { audit } from './audit.ts';

/** Ten codes of ten characters from 31 that cannot be mistaken for each other (no 0/o, 1/l/i): ~49 bits each. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const RECOVERY_CODE_COUNT = 10;

const newCode = () => {
  const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
};
/** Case and the hyphen do not matter to the person typing it. */
const hashOf = (code: string) => createHash('sha256').update(code.toLowerCase().replace('-', '')).digest('hex');

/** New codes for the user, replacing any earlier ones: answered once, kept only as hashes. */
export async function issueRecoveryCodes(deps: LoginDeps, userId: number): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  await deps.prisma.$transaction([
    deps.prisma.recoveryCode.deleteMany({ where: { userId } }),
    deps.prisma.recoveryCode.createMany({ data: codes.map((code) => ({ userId, codeHash: hashOf(code) })) }),
  ]);
  return codes;
}

/** Spends one code: a guarded update, so a code (even raced twice) works once. */
export async function consumeRecoveryCode(deps: LoginDeps, userId: number, code: string, ip: string): Promise<void> {
  const spent = await deps.prisma.recoveryCode.updateMany({
    where: { userId, codeHash: hashOf(code), usedAt: null },
    data: { usedAt: clock(deps) },
  });
  if (spent.count !== 1) throw new AppError('TOTP_INVALID', 'The recovery code is wrong or was already used');
  const left = await deps.prisma.recoveryCode.count({ where: { userId, usedAt: null } });
  await audit(deps, 'RECOVERY_CODE_USED', { userId, ip, details: { left } });
}
