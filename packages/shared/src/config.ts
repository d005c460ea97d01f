import { z } from 'zod';
import { xmrAmount } from './money.ts';

/** Raised at startup when the environment does not fit the service's schema; lists every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; fails fast naming every bad variable; returns a frozen object. */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv | Record<string, string | undefined>,
): Readonly<z.output<S>> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
  }
  return Object.freeze(result.data);
}

/** "true"/"false"/"1"/"0" only. Never z.coerce.boolean(): it turns "false" into true. */
export const envBoolean = z
  .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1');

/** A whole number written in decimal; '' is refused (z.coerce would make it 0), as are '0x1F' and '1e3'. */
export const envInt = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, { message: 'must be a whole number' })
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

export const envPort = envInt(1, 65535);

/** A signing secret: at least 32 bytes, no default. */
export const envSecret = z
  .string({ message: 'is required' })
  .refine((s) => Buffer.byteLength(s, 'utf8') >= 32, { message: 'must be at least 32 bytes' });

export const envUrl = z.url({ message: 'must be a URL' });

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** Fastify's trustProxy: "false" (or empty) trusts no proxy; otherwise a list such as "loopback,10.0.0.0/8". */
export const envTrustProxy = z
  .string()
  .trim()
  .transform((v): string | false => (v === '' || v === 'false' ? false : v));

/** A decimal XMR amount ("0.01") as bigint piconero: the same rules as on the wire. */
export const envXmr = xmrAmount;
