import { AppError } from '@pupero/shared/errors';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { clock, type LoginDeps } from '../deps.ts';

// 30 s steps, one step of drift either way.
const TOLERANCE_SECONDS = 30;

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export async function totpEnrollment(issuer: string, label: string, secret: string) {
  const otpauthUrl = generateURI({ issuer, label, secret });
  const qrDataUrl = await QRCode.toDataURL(otpauthUrl, { errorCorrectionLevel: 'M', margin: 1, width: 240 });
  return { secret, otpauthUrl, qrDataUrl };
}

interface TotpUser {
  id: number;
  totpLastStep: bigint | null;
}

/**
 * Accepts a code once: it must match a step later than the last one used, and recording that
 * step is a guarded update, so two requests racing with the same code cannot both pass.
 */
export async function consumeTotp(deps: LoginDeps, user: TotpUser, secret: string, code: string | undefined): Promise<void> {
  if (!code) throw new AppError('TOTP_REQUIRED', 'A two-factor code is required');
  const lastStep = user.totpLastStep === null ? undefined : Number(user.totpLastStep);
  const epoch = Math.floor(clock(deps).getTime() / 1000);
  const result = await verify({ secret, token: code, epoch, epochTolerance: TOLERANCE_SECONDS, afterTimeStep: lastStep }).catch(() => ({
    valid: false as const,
  }));
  if (!result.valid || !('timeStep' in result)) throw new AppError('TOTP_INVALID', 'The two-factor code is wrong or was already used');
  const step = BigInt(result.timeStep);
  const claimed = await deps.prisma.user.updateMany({
    where: { id: user.id, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
    data: { totpLastStep: step },
  });
  if (claimed.count !== 1) throw new AppError('TOTP_INVALID', 'The two-factor code is wrong or was already used');
}
