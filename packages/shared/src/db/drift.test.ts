import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, runOnServer, type TestDatabase } from '../testing/database.ts';
import { factsFromDatabase, factsFromSchema } from './drift.ts';

const schemaPath = fileURLToPath(new URL('../../../../prisma/schema.prisma', import.meta.url));

describe('schema.prisma and the SQL migrations', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.drop());

  it('describe the same tables, columns, types, indexes and foreign keys', async () => {
    const [fromSchema, fromDatabase] = await Promise.all([factsFromSchema(schemaPath), factsFromDatabase(db.url)]);
    const onlyInSchema = [...fromSchema].filter((f) => !fromDatabase.has(f)).sort();
    const onlyInDatabase = [...fromDatabase].filter((f) => !fromSchema.has(f)).sort();
    assert.deepEqual({ onlyInSchema, onlyInDatabase }, { onlyInSchema: [], onlyInDatabase: [] });
    assert.ok(fromSchema.size > 20, `expected a real description, got ${fromSchema.size} facts`);
  });

  it('notices a column, an index and a foreign key that drifted', async () => {
    await runOnServer(`ALTER TABLE \`${db.name}\`.users MODIFY email VARCHAR(200) NOT NULL, ADD COLUMN nickname VARCHAR(10) NULL`);
    await runOnServer(`ALTER TABLE \`${db.name}\`.audit_log DROP INDEX audit_log_action_ip_created_at_idx`);
    await runOnServer(`ALTER TABLE \`${db.name}\`.refresh_tokens DROP FOREIGN KEY refresh_tokens_user_id_fkey`);
    const [fromSchema, fromDatabase] = await Promise.all([factsFromSchema(schemaPath), factsFromDatabase(db.url)]);
    const onlyInSchema = [...fromSchema].filter((f) => !fromDatabase.has(f)).sort();
    const onlyInDatabase = [...fromDatabase].filter((f) => !fromSchema.has(f)).sort();
    assert.deepEqual(onlyInSchema, [
      'audit_log INDEX (action,ip,created_at)',
      'refresh_tokens (user_id) -> users (id) ON DELETE CASCADE',
      'users.email varchar(254) NOT NULL',
    ]);
    assert.deepEqual(onlyInDatabase, ['users.email varchar(200) NOT NULL', 'users.nickname varchar(10) NULL']);
  });
});
