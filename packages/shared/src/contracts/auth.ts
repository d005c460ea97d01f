import { z } from 'zod';
import { roles } from '../auth/jwt.ts';

/** Bodies and answers of the login service (through the gateway under /auth). Bodies are strict. */
export const email = z
  .email({ message: 'must be an email address' })
  .max(254)
  .transform((e) => e.toLowerCase());
export const username = z.string().regex(/^[A-Za-z0-9_]{3,32}$/, { message: 'must be 3–32 letters, digits or _' });
export const password = z.string().min(10, { message: 'must be at least 10 characters' }).max(256);
export const totpCode = z.string().regex(/^\d{6}$/, { message: 'must be a 6-digit code' });
/** One of the ten codes shown when 2FA was turned on: for a lost authenticator app, each usable once. */
export const recoveryCode = z
  .string()
  .regex(/^[A-Za-z0-9]{5}-?[A-Za-z0-9]{5}$/, { message: 'must be a recovery code such as abcde-23456' });
const refreshToken = z.string().min(1).max(128);

export const registerBody = z.strictObject({ email, username, password });

export const loginBody = z.strictObject({
  identifier: z.string().min(1).max(254),
  password: z.string().min(1).max(256),
  totp: totpCode.optional(),
  /** Instead of `totp`, when the authenticator app is lost. */
  recoveryCode: recoveryCode.optional(),
  rememberMe: z.boolean().optional(),
  // The device token of an earlier login (the frontend keeps it in its pupero_device cookie).
  deviceToken: z.string().min(1).max(2048).optional(),
});

export const refreshBody = z.strictObject({ refreshToken });

export const updateMeBody = z
  .strictObject({
    currentPassword: z.string().min(1).max(256),
    email: email.optional(),
    username: username.optional(),
    newPassword: password.optional(),
  })
  .refine((b) => b.email !== undefined || b.username !== undefined || b.newPassword !== undefined, {
    message: 'change at least one of email, username or newPassword',
  });

export const deleteMeBody = z.strictObject({ password: z.string().min(1).max(256), totp: totpCode.optional() });
const currentPassword = z.string().min(1).max(256);
export const twoFactorEnableBody = z.strictObject({ password: currentPassword });
export const twoFactorChangeBody = z.strictObject({ password: currentPassword, totp: totpCode });
/** Turning 2FA off: with a code from the app, or with a recovery code when the app is lost. */
export const twoFactorDisableBody = z
  .strictObject({ password: currentPassword, totp: totpCode.optional(), recoveryCode: recoveryCode.optional() })
  .refine((b) => (b.totp === undefined) !== (b.recoveryCode === undefined), { message: 'give either totp or recoveryCode' });

export const userView = z.object({
  id: z.number().int(),
  email: z.string(),
  username: z.string(),
  role: z.enum(roles),
  twoFactorEnabled: z.boolean(),
  createdAt: z.string(),
});

export const tokensView = z.object({ accessToken: z.string(), refreshToken: z.string(), expiresIn: z.number().int() });
export const loginView = tokensView.extend({ deviceToken: z.string(), user: userView });
export const twoFactorEnrollmentView = z.object({ secret: z.string(), otpauthUrl: z.string(), qrDataUrl: z.string() });
export const twoFactorStatusView = z.object({
  twoFactorEnabled: z.boolean(),
  /** Only in the answer that turns 2FA on: shown this once, stored hashed. */
  recoveryCodes: z.array(z.string()).optional(),
});

/** The admin pages' user list: newest first, by the start of a name or e-mail address, or by role. */
export const userListQuery = z.strictObject({
  q: z.string().trim().min(1).max(254).optional(),
  role: z.enum(roles).optional(),
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export const userListView = z.object({ items: z.array(userView), nextCursor: z.number().int().nullable() });
export const userIdParams = z.strictObject({ id: z.coerce.number().int().positive().max(2_147_483_647) });
export const roleBody = z.strictObject({ role: z.enum(roles) });
