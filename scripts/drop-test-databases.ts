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

for (const { name } of rows) {
  const pid = Number(name.slice(TEST_DATABASE_PREFIX.length).split('_')[0]);
  if (!alive(pid)) await runOnServer(`DROP DATABASE \`${name}\``);
}
