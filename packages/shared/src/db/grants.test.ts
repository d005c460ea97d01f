import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mariadb, { type Connection } from 'mariadb';
import { createTestDatabase, runOnServer, type TestDatabase } from '../testing/database.ts';
import { mariadbConfig } from './connection.ts';
import { applyGrants, type DatabaseService, databaseServices, databaseUserName, tableAccess } from './grants.ts';

// MariaDB's "command denied" for a table and for a column.
const DENIED = new Set([1142, 1143]);
// "Field … doesn't have a default value": raised after the privileges were checked, so they allowed it.
const NO_DEFAULT = 1364;
const tables = Object.keys(tableAccess);

async function allowed(conn: Connection, sql: string): Promise<boolean> {
  try {
    await conn.query(sql);
    return true;
  } catch (error) {
    const errno = (error as { errno?: number }).errno ?? 0;
    if (DENIED.has(errno)) return false;
    if (errno === NO_DEFAULT) return true;
    throw error;
  }
}

// Statements that touch no row but need the privilege: MariaDB checks privileges before it runs anything.
const reads = (table: string) => `SELECT * FROM \`${table}\` LIMIT 0`;
const inserts = (table: string, column: string) => `INSERT INTO \`${table}\` (\`${column}\`) SELECT NULL FROM DUAL WHERE 1 = 0`;
const updates = (table: string, column: string) => `UPDATE \`${table}\` SET \`${column}\` = NULL WHERE 1 = 0`;
const deletes = (table: string) => `DELETE FROM \`${table}\` WHERE 1 = 0`;

describe('each service connects as its own MariaDB user, with the grants of db/grants.ts', () => {
  let db: TestDatabase;
  const conns = new Map<DatabaseService, Connection>();
  const columnsOf = new Map<string, string[]>();
  const as = (service: DatabaseService) => conns.get(service)!;

  before(async () => {
    db = await createTestDatabase();
    for (const service of databaseServices) conns.set(service, await mariadb.createConnection(mariadbConfig(db.urlFor(service))));
    const rows = (await db.query(
      'SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY ORDINAL_POSITION',
      [db.name],
    )) as { t: string; c: string }[];
    for (const { t, c } of rows) columnsOf.set(t, [...(columnsOf.get(t) ?? []), c]);
  });
  after(async () => {
    for (const conn of conns.values()) await conn.end();
    await db.drop();
  });

  it('none writes (INSERT, UPDATE, DELETE) a table it does not own; only appenders add to the audit log, and nobody changes it', async () => {
    for (const service of databaseServices) {
      for (const table of tables) {
        const { owner, appenders = [] } = tableAccess[table]!;
        const column = columnsOf.get(table)![0]!;
        if (owner === service) continue;
        const where = `${service} on ${table}`;
        assert.equal(await allowed(as(service), inserts(table, column)), appenders.includes(service), `${where}: INSERT`);
        assert.equal(await allowed(as(service), updates(table, column)), false, `${where}: UPDATE`);
        assert.equal(await allowed(as(service), deletes(table)), false, `${where}: DELETE`);
      }
    }
  });

  it('each reads, writes and deletes its own tables (the ledger only appends transfers)', async () => {
    for (const table of tables) {
      const { owner, ownerMay } = tableAccess[table]!;
      if (!owner) continue;
      const conn = as(owner);
      const may = new Set(ownerMay ?? ['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
      const column = columnsOf.get(table)![0]!;
      assert.equal(await allowed(conn, reads(table)), true, `${owner} reads ${table}`);
      assert.equal(await allowed(conn, inserts(table, column)), may.has('INSERT'), `${owner} inserts into ${table}`);
      assert.equal(await allowed(conn, updates(table, column)), may.has('UPDATE'), `${owner} updates ${table}`);
      assert.equal(await allowed(conn, deletes(table)), may.has('DELETE'), `${owner} deletes from ${table}`);
    }
    assert.equal(await allowed(as('transactions'), updates('transfers', 'amount')), false, 'history is not rewritten');
  });

  it('reads of tables it does not own: only what it needs, never a secret', async () => {
    for (const service of databaseServices) {
      for (const table of tables) {
        const access = tableAccess[table]!;
        if (access.owner === service) continue;
        const read = access.readers?.[service];
        assert.equal(await allowed(as(service), reads(table)), read === 'all', `${service} reads every column of ${table}`);
        for (const column of columnsOf.get(table)!) {
          const may = read === 'all' || (read?.includes(column) ?? false);
          assert.equal(
            await allowed(as(service), `SELECT \`${column}\` FROM \`${table}\` LIMIT 0`),
            may,
            `${service} reads ${table}.${column}`,
          );
        }
      }
    }
    // Spelled out, the cases this is for:
    assert.equal(await allowed(as('offers'), 'SELECT id, username, created_at FROM users LIMIT 0'), true);
    for (const secret of ['password_hash', 'totp_secret', 'totp_pending_secret', 'email'])
      assert.equal(await allowed(as('offers'), `SELECT ${secret} FROM users LIMIT 0`), false, `offers reads users.${secret}`);
    assert.equal(await allowed(as('login'), reads('trades')), false, 'login reads trades');
    assert.equal(await allowed(as('login'), reads('accounts')), false, 'login reads accounts');
    assert.equal(await allowed(as('wallet'), 'SELECT balance FROM accounts LIMIT 0'), true, 'the wallet reconciles');
    assert.equal(await allowed(as('wallet'), 'SELECT user_id FROM accounts LIMIT 0'), false);
  });

  it("the frontend's user sees nothing but its sessions", async () => {
    const visible = (await as('frontend').query('SHOW TABLES')) as Record<string, string>[];
    assert.deepEqual(
      visible.map((row) => Object.values(row)[0]),
      ['frontend_sessions'],
    );
    for (const table of tables.filter((t) => t !== 'frontend_sessions'))
      assert.equal(await allowed(as('frontend'), reads(table)), false, `frontend reads ${table}`);
  });

  it('no service user changes the schema or reads the migrations', async () => {
    for (const service of databaseServices) {
      assert.equal(await allowed(as(service), reads('_prisma_migrations')), false, `${service} reads _prisma_migrations`);
      assert.equal(await allowed(as(service), 'CREATE TABLE stray (id INT)'), false, `${service} creates a table`);
      assert.equal(await allowed(as(service), 'ALTER TABLE users ADD COLUMN stray INT'), false, `${service} alters users`);
      assert.equal(await allowed(as(service), 'DROP TABLE trades'), false, `${service} drops trades`);
    }
  });

  it('applying again changes nothing, and takes back whatever was granted beside the map', async () => {
    const passwords = Object.fromEntries(databaseServices.map((s) => [s, decodeURIComponent(new URL(db.urlFor(s)).password)])) as Record<
      DatabaseService,
      string
    >;
    const userPrefix = `${db.name}_`;
    const user = (service: DatabaseService) => `'${databaseUserName(service, userPrefix)}'@'%'`;
    const grantsOf = async (service: DatabaseService) =>
      ((await db.query(`SHOW GRANTS FOR ${user(service)}`)) as Record<string, string>[]).map((row) => Object.values(row)[0]).sort();
    const before = await Promise.all(databaseServices.map(grantsOf));
    assert.deepEqual(await applyGrants(db.url, db.name, passwords, { userPrefix }), []);

    await db.query(`GRANT SELECT ON \`${db.name}\`.users TO ${user('offers')}`);
    await db.query(`GRANT SELECT (password_hash) ON \`${db.name}\`.users TO ${user('transactions')}`);
    await db.query(`GRANT ALL PRIVILEGES ON \`${db.name}\`.* TO ${user('frontend')}`);
    await db.query(`GRANT UPDATE ON \`${db.name}\`.transfers TO ${user('transactions')} WITH GRANT OPTION`);
    await db.query(`GRANT PROCESS ON *.* TO ${user('wallet')}`);
    assert.equal(await allowed(as('offers'), 'SELECT password_hash FROM users LIMIT 0'), true, 'the stray grant took effect');
    const repairs = await applyGrants(db.url, db.name, passwords, { userPrefix });
    assert.ok(repairs.length >= 5, repairs.join('\n'));
    assert.deepEqual(await Promise.all(databaseServices.map(grantsOf)), before);
    assert.equal(await allowed(as('offers'), 'SELECT password_hash FROM users LIMIT 0'), false);
    assert.equal(await allowed(as('offers'), 'SELECT username FROM users LIMIT 0'), true, 'and what it needs is back');
  });

  it('refuses a table nobody owns, so a new table gets an owner before it ships', async () => {
    await db.query('CREATE TABLE stray_things (id INT PRIMARY KEY)');
    const passwords = Object.fromEntries(databaseServices.map((s) => [s, 'x'.repeat(20)])) as Record<DatabaseService, string>;
    await assert.rejects(applyGrants(db.url, db.name, passwords, { userPrefix: `${db.name}_` }), /stray_things/);
    await db.query('DROP TABLE stray_things');
  });

  it('grants outlive DROP DATABASE in MariaDB, so dropping a test database drops its users too', async () => {
    const other = await createTestDatabase();
    await other.drop();
    const left = (await runOnServer('SELECT User FROM mysql.user WHERE User LIKE ?', [`${other.name}\\_%`])) as unknown[];
    assert.deepEqual(left, []);
  });
});
