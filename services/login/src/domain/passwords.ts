import argon2 from 'argon2';

// OWASP's argon2id profile (m = 19 MiB, t = 2, p = 1): ~26 ms per hash here, +20 MiB each.
const options = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, options);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** Hashed once (on first use) so an unknown user costs the same time as a wrong password. */
let dummyHash: Promise<string> | undefined;
export async function spendPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('pupero-timing-equalizer');
  await verifyPassword(await dummyHash, password);
}
