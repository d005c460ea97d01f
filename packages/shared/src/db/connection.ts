import type { PoolConfig } from 'mariadb';

/** `mysql://user:pass@host:port/db` (Prisma's form) as options for the mariadb driver. */
export function mariadbConfig(databaseUrl: string, overrides: Partial<PoolConfig> = {}): PoolConfig {
  const url = new URL(databaseUrl);
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    throw new Error(`DATABASE_URL must start with mysql:// or mariadb://, got ${url.protocol}`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    ...(database ? { database } : {}),
    // The driver's own default gives up after 1 s: a busy machine or network can take longer to
    // accept a connection, and a refused one (the server down) still fails at once.
    connectTimeout: 10_000,
    ...overrides,
  };
}

/** The same URL pointing at another database (tests create one per file). */
export function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export function databaseName(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]{1,64}$/.test(name)) throw new Error(`DATABASE_URL must name a database ([A-Za-z0-9_]), got "${name}"`);
  return name;
}
