import mariadb, { type Connection } from 'mariadb';
import { mariadbConfig, withDatabase } from './connection.ts';

/**
 * Least privilege in the one database: each service connects as its own MariaDB user, writes only
 * the tables it owns and reads only what it needs of the others. Other services ask the owner (HTTP
 * or messages) instead of writing its tables. The migrator (root) alone runs DDL and owns
 * `_prisma_migrations`.
 */
export const databaseServices = ['login', 'offers', 'transactions', 'wallet', 'frontend'] as const;
export type DatabaseService = (typeof databaseServices)[number];

type Privilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

export interface TableAccess {
  /** The one service that writes the table; null for the audit log, which several append to. */
  owner: DatabaseService | null;
  /** What the owner may do: read and write unless the table is history that is never rewritten. */
  ownerMay?: readonly Privilege[];
  /** Services that may only add rows (never read, change or delete them). */
  appenders?: readonly DatabaseService[];
  /** Other services that read the table: every column, or only those named (the table holds secrets). */
  readers?: Partial<Record<DatabaseService, 'all' | readonly string[]>>;
}

const readWrite: readonly Privilege[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

/** Every table of the schema: a table missing here makes applyGrants fail, so a new one gets an owner. */
export const tableAccess: Readonly<Record<string, TableAccess>> = {
  // offers shows an owner's name and age beside an offer: never the password hash or TOTP secrets.
  users: { owner: 'login', readers: { offers: ['id', 'username', 'created_at'] } },
  refresh_tokens: { owner: 'login' },
  recovery_codes: { owner: 'login' },
  // Every service that checks access tokens reads the user's current token version.
  token_versions: { owner: 'login', readers: { offers: 'all', transactions: 'all', wallet: 'all' } },
  // Login counts failed logins in it (the throttle); the others only append.
  audit_log: { owner: null, appenders: ['login', 'offers', 'transactions', 'wallet'], readers: { login: 'all' } },
  // The wallet manager compares the wallet's balance with what the ledger owes (reconcile).
  accounts: { owner: 'transactions', readers: { wallet: ['kind', 'balance'] } },
  transfers: { owner: 'transactions', ownerMay: ['SELECT', 'INSERT'] },
  holds: { owner: 'transactions' },
  // The wallet manager sends what the ledger recorded, not what a message claims.
  withdrawals: { owner: 'transactions', readers: { wallet: ['id', 'address', 'amount', 'state'] } },
  outbox: { owner: 'transactions' },
  // Transactions refuses withdrawals to our own addresses, and a deletion while a deposit is on its way.
  deposit_addresses: { owner: 'wallet', readers: { transactions: ['address'] } },
  deposits: { owner: 'wallet', readers: { transactions: ['user_id', 'state'] } },
  wallet_sends: { owner: 'wallet' },
  offers: { owner: 'offers' },
  offer_payment_methods: { owner: 'offers' },
  trades: { owner: 'offers' },
  trade_messages: { owner: 'offers' },
  feedback: { owner: 'offers' },
  price_fallbacks: { owner: 'offers' },
  frontend_sessions: { owner: 'frontend' },
};

/** One privilege on a table, or on one column of it. */
interface Grant {
  table: string;
  privilege: Privilege;
  column?: string;
}

/** What one service may do, table by table, as the map above says. */
export function grantsOf(service: DatabaseService): Grant[] {
  const grants: Grant[] = [];
  for (const [table, access] of Object.entries(tableAccess)) {
    if (access.owner === service) for (const privilege of access.ownerMay ?? readWrite) grants.push({ table, privilege });
    if (access.appenders?.includes(service)) grants.push({ table, privilege: 'INSERT' });
    const read = access.readers?.[service];
    if (read === 'all') grants.push({ table, privilege: 'SELECT' });
    else if (read) for (const column of read) grants.push({ table, privilege: 'SELECT', column });
  }
  return grants;
}

export interface GrantOptions {
  /** The host part of each user: '%' (any address, as in Compose) unless told otherwise. */
  host?: string;
  /** User names are `${userPrefix}${service}`: pupero_login, …, pupero_frontend by default. */
  userPrefix?: string;
}

export const databaseUserName = (service: DatabaseService, userPrefix = 'pupero_') => `${userPrefix}${service}`;

/** The migrator's variable holding a service user's password: LOGIN_DATABASE_PASSWORD, … (or `…_FILE`). */
export const databasePasswordVariable = (service: DatabaseService) => `${service.toUpperCase()}_DATABASE_PASSWORD`;

/** The database user each service process runs as (the gateway has none). */
export const databaseUserOf = {
  login: 'login',
  offers: 'offers',
  transactions: 'transactions',
  'wallet-manager': 'wallet',
  frontend: 'frontend',
} as const satisfies Record<string, DatabaseService>;

/** The URL a service connects with: the admin URL's server and database, the service's own user. */
export function serviceDatabaseUrl(adminUrl: string, database: string, service: DatabaseService, password: string, userPrefix?: string) {
  const url = new URL(withDatabase(adminUrl, database));
  url.username = encodeURIComponent(databaseUserName(service, userPrefix));
  url.password = encodeURIComponent(password);
  return url.toString();
}

/**
 * Creates (or re-keys) each service's user and brings its privileges to exactly the map: what it
 * lacks is granted, anything else it holds anywhere is revoked. Idempotent, and it never revokes
 * what stays, so running services keep working while it runs. Run it as an admin, after migrations.
 * Returns the statements it ran that changed privileges.
 */
export async function applyGrants(
  adminUrl: string,
  database: string,
  passwords: Readonly<Record<DatabaseService, string>>,
  options: GrantOptions = {},
): Promise<string[]> {
  const host = options.host ?? '%';
  if (!/^[A-Za-z0-9_.%:-]{1,255}$/.test(host)) throw new Error(`Not a host pattern we accept: ${host}`);
  if (!/^[A-Za-z0-9_]{1,64}$/.test(database)) throw new Error(`Not a database name we create: ${database}`);
  if (!/^[A-Za-z0-9_]*$/.test(options.userPrefix ?? '')) throw new Error('The user prefix must be letters, digits and _');
  const conn = await mariadb.createConnection(mariadbConfig(adminUrl, { database: undefined }));
  try {
    await assertEveryTableHasAnOwner(conn, database);
    const changes: string[] = [];
    for (const service of databaseServices) {
      const user = databaseUserName(service, options.userPrefix);
      if (user.length > 80) throw new Error(`MariaDB user names have at most 80 characters: ${user}`);
      if (!passwords[service]) throw new Error(`No database password for ${service}`);
      await conn.query('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [user, host, passwords[service]]);
      await conn.query('ALTER USER ?@? IDENTIFIED BY ?', [user, host, passwords[service]]);
      changes.push(...(await reconcileUser(conn, { user, host, database }, grantsOf(service))));
    }
    return changes;
  } finally {
    await conn.end();
  }
}

async function assertEveryTableHasAnOwner(conn: Connection, database: string) {
  const rows = (await conn.query(
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME <> '_prisma_migrations'",
    [database],
  )) as { name: string }[];
  const present = new Set(rows.map((r) => r.name));
  const unowned = [...present].filter((t) => !(t in tableAccess));
  if (unowned.length > 0) throw new Error(`Tables without an entry in tableAccess (db/grants.ts): ${unowned.join(', ')}`);
  const missing = Object.keys(tableAccess).filter((t) => !present.has(t));
  if (missing.length > 0) throw new Error(`Tables of tableAccess missing from ${database} (migrate first): ${missing.join(', ')}`);
}

interface Account {
  user: string;
  host: string;
  database: string;
}

const id = (name: string) => `\`${name.replaceAll('`', '``')}\``;

/** Revokes what the user holds beyond `wanted` (at any level, in any database), then grants what it lacks. */
async function reconcileUser(conn: Connection, account: Account, wanted: Grant[]): Promise<string[]> {
  const key = (schema: string, g: { table: string; privilege: string; column?: string | undefined }) =>
    `${schema}|${g.table}|${g.privilege}|${g.column ?? ''}`;
  const wantedKeys = new Set(wanted.map((g) => key(account.database, g)));
  const held = await heldPrivileges(conn, account);
  const user = `${conn.escape(account.user)}@${conn.escape(account.host)}`;
  const statements: string[] = [];
  if (held.global.length > 0) statements.push(`REVOKE ALL PRIVILEGES ON *.* FROM ${user}`);
  if (held.globalGrantOption) statements.push(`REVOKE GRANT OPTION ON *.* FROM ${user}`);
  for (const schema of held.schemas) statements.push(`REVOKE ALL PRIVILEGES ON ${id(schema)}.* FROM ${user}`);
  for (const schema of held.schemaGrantOptions) statements.push(`REVOKE GRANT OPTION ON ${id(schema)}.* FROM ${user}`);
  for (const role of held.roles) statements.push(`REVOKE ${id(role)} FROM ${user}`);
  const extra = held.grants.filter((g) => g.privilege === 'GRANT OPTION' || !wantedKeys.has(key(g.schema, g)));
  for (const [where, list] of byTable(extra)) statements.push(`REVOKE ${privilegeList(list)} ON ${where} FROM ${user}`);
  for (const statement of statements) await conn.query(statement);
  // Revoking a table's SELECT also takes its columns' SELECT: look again before granting.
  const kept = statements.length > 0 ? (await heldPrivileges(conn, account)).grants : held.grants;
  const heldKeys = new Set(kept.map((g) => key(g.schema, g)));
  const missing = wanted.filter((g) => !heldKeys.has(key(account.database, g))).map((g) => ({ ...g, schema: account.database }));
  const grants = [...byTable(missing)].map(([where, list]) => `GRANT ${privilegeList(list)} ON ${where} TO ${user}`);
  for (const statement of grants) await conn.query(statement);
  return [...statements, ...grants];
}

type HeldGrant = { schema: string; table: string; privilege: string; column?: string | undefined };

function byTable(grants: HeldGrant[]): Map<string, HeldGrant[]> {
  const tables = new Map<string, HeldGrant[]>();
  for (const g of grants) {
    const where = `${id(g.schema)}.${id(g.table)}`;
    tables.set(where, [...(tables.get(where) ?? []), g]);
  }
  return tables;
}

/** `SELECT (a, b), INSERT`: table privileges as they are, column privileges grouped by privilege. */
function privilegeList(grants: HeldGrant[]): string {
  const tableLevel = grants.filter((g) => !g.column).map((g) => g.privilege);
  const columns = new Map<string, string[]>();
  for (const g of grants) if (g.column) columns.set(g.privilege, [...(columns.get(g.privilege) ?? []), id(g.column)]);
  return [...tableLevel, ...[...columns].map(([privilege, names]) => `${privilege} (${names.join(', ')})`)].join(', ');
}

interface Held {
  global: string[];
  globalGrantOption: boolean;
  schemas: string[];
  schemaGrantOptions: string[];
  roles: string[];
  /** Table and column privileges (a table's grant option as the privilege 'GRANT OPTION'). */
  grants: HeldGrant[];
}

async function heldPrivileges(conn: Connection, account: Account): Promise<Held> {
  const grantee = `'${account.user}'@'${account.host}'`;
  type Row = Record<string, string>;
  const query = (sql: string, values: unknown[] = [grantee]) => conn.query(sql, values) as Promise<Row[]>;
  const [global, schemas, tables, columns, roles] = await Promise.all([
    query('SELECT PRIVILEGE_TYPE AS p, IS_GRANTABLE AS g FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ?'),
    query('SELECT TABLE_SCHEMA AS s, PRIVILEGE_TYPE AS p, IS_GRANTABLE AS g FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ?'),
    query(
      'SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, PRIVILEGE_TYPE AS p, IS_GRANTABLE AS g FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE = ?',
    ),
    query(
      'SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, COLUMN_NAME AS c, PRIVILEGE_TYPE AS p FROM information_schema.COLUMN_PRIVILEGES WHERE GRANTEE = ?',
    ),
    query('SELECT Role AS r FROM mysql.roles_mapping WHERE User = ? AND Host = ?', [account.user, account.host]),
  ]);
  const grantable = (rows: Row[]) => rows.filter((r) => r.g === 'YES');
  return {
    global: global.filter((r) => r.p !== 'USAGE').map((r) => r.p!),
    globalGrantOption: grantable(global).length > 0,
    schemas: [...new Set(schemas.map((r) => r.s!))],
    schemaGrantOptions: [...new Set(grantable(schemas).map((r) => r.s!))],
    roles: roles.map((r) => r.r!),
    grants: [
      ...tables.map((r) => ({ schema: r.s!, table: r.t!, privilege: r.p! })),
      ...dedupe(grantable(tables).map((r) => ({ schema: r.s!, table: r.t!, privilege: 'GRANT OPTION' }))),
      ...columns.map((r) => ({ schema: r.s!, table: r.t!, column: r.c!, privilege: r.p! })),
    ],
  };
}

function dedupe<T>(items: T[]): T[] {
  return [...new Map(items.map((item) => [JSON.stringify(item), item])).values()];
}
