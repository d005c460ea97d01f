import { runOnServer, TEST_DATABASE_PREFIX } from '@pupero/shared/testing';

// Test files drop their database when they finish; an interrupted run leaves some behind. Names
// carry the test process's pid, so a database of a run still going is left alone.
const rows = (await runOnServer('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [
  `${TEST_DATABASE_PREFIX}%`,
])) as { name: string }[];

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const pidOf = (name: string) => Number(name.slice(TEST_DATABASE_PREFIX.length).split('_')[0]);
for (const { name } of rows) {
  if (!alive(pidOf(name))) await runOnServer(`DROP DATABASE \`${name}\``);
}

// Each test database has its own service users (`<database>_login`, …); MariaDB keeps them, and
// their grants, after the database is dropped.
const users = (await runOnServer('SELECT User AS user, Host AS host FROM mysql.user WHERE User LIKE ?', [
  `${TEST_DATABASE_PREFIX.replaceAll('_', '\\_')}%`,
])) as { user: string; host: string }[];
for (const { user, host } of users) {
  if (!alive(pidOf(user))) await runOnServer('DROP USER IF EXISTS ?@?', [user, host]);
}
