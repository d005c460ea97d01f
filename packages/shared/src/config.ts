import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { peerKeysFrom, publicKeysFrom, signingKeyFrom } from './auth/keys.ts';
import { demoProblems } from './demo-secrets.ts';
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
  const problems: string[] = [];
  const values = withFileVariables(env, variablesOf(schema), problems);
  problems.push(...demoProblems(values));
  const result = schema.safeParse(values);
  if (!result.success) problems.push(...result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return Object.freeze(result.data);
}

/** For command-line tools: the config, or every problem on stderr and exit code 2. */
export function loadConfigOrExit<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): Readonly<z.output<S>> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}

/**
 * `NAME_FILE=/path` stands for `NAME` with the file's content (Compose and Kubernetes secrets are
 * files). `NAME` itself wins when both are set.
 */
function withFileVariables(
  env: Record<string, string | undefined>,
  known: ReadonlySet<string>,
  problems: string[],
): Record<string, string | undefined> {
  const values = { ...env };
  for (const [variable, path] of Object.entries(env)) {
    const name = variable.endsWith('_FILE') ? variable.slice(0, -'_FILE'.length) : undefined;
    if (!name || !known.has(name) || !path || values[name]) continue;
    try {
      values[name] = readFileSync(path, 'utf8').trim();
    } catch {
      problems.push(`${variable}: cannot read ${path}`);
    }
  }
  return values;
}

/** The variables a service's schema reads (a z.object, refined or not). */
function variablesOf(schema: z.ZodType): ReadonlySet<string> {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return new Set(shape ? Object.keys(shape) : []);
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

function keyVariable<T>(parse: (text: string) => T) {
  return z.string({ message: 'is required' }).transform((text, ctx) => {
    try {
      return parse(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });
}

/** This service's own private key (signs its service tokens, messages, or login's access tokens). */
export const envSigningKey = keyVariable(signingKeyFrom);
/** Public keys, by kid: login's access-token keys (two while a key rotates). */
export const envPublicKeys = keyVariable(publicKeysFrom);
/** The public keys of the services allowed to call this one: `name=KEY,…`. */
export const envPeerKeys = keyVariable(peerKeysFrom);

/** The Monero networks a deployment can run on (MONERO_NETWORK); demo secrets pass only on regtest. */
export const moneroNetwork = z.enum(['mainnet', 'testnet', 'stagenet', 'regtest']);

/** A decimal XMR amount ("0.01") as bigint piconero: the same rules as on the wire. */
export const envXmr = xmrAmount;

/** The variables of every service that checks users' access tokens (login's public keys, never a private one). */
export const accessTokenVariables = {
  ACCESS_TOKEN_PUBLIC_KEYS: envPublicKeys,
  JWT_ISSUER: z.string().min(1).default('pupero'),
  JWT_AUDIENCE: z.string().min(1).default('pupero-api'),
};

/** A service's own key for its service tokens and messages, and the public keys of those allowed to call it. */
export const serviceKeyVariables = {
  SERVICE_SIGNING_KEY: envSigningKey,
  SERVICE_PUBLIC_KEYS: envPeerKeys,
};
