/** What the frontend keeps in a browser's server-side session. Tokens never leave it. */
export interface SessionUser {
  id: number;
  username: string;
  email: string;
  role: 'user' | 'moderator' | 'admin';
  twoFactorEnabled: boolean;
}

export interface SessionAuth {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token expires. */
  accessExpiresAt: number;
  user: SessionUser;
}

/** Between the password and the TOTP step: the password sealed with a key outside the database. */
export interface PendingLogin {
  identifier: string;
  sealedPassword: string;
  rememberMe: boolean;
  until: number;
}

export interface Flash {
  kind: 'ok' | 'error';
  message: string;
}

declare module 'express-session' {
  interface SessionData {
    auth?: SessionAuth;
    pendingLogin?: PendingLogin;
    pendingTotp?: { secret: string; qrDataUrl: string };
    /** The recovery codes 2FA was just turned on with, until the account page has shown them (once). */
    recoveryCodes?: string[];
    /** Idempotency keys handed out with withdraw forms; a resubmitted form reuses its key. */
    withdrawKeys?: string[];
    flash?: Flash;
  }
}
