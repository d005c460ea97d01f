import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mariadbConfig } from '@pupero/shared/db';
import { createTestDatabase, type TestDatabase } from '@pupero/shared/testing';
import mariadb from 'mariadb';
import type { WalletDeps } from '../deps.ts';
import { readSend, storeBuilt, storeRebuilt, storeRelayed } from './send-rows.ts';

const hash = (c: string) => c.repeat(64);
const built = (c: string) => ({ hash: hash(c), metadata: `metadata-${c}`, fee: 1000n, keyImages: [hash('1'), hash('2')] });

/**
 * A built send is replaced only by a rebuild that records the dead build first, on the wallet's own
 * database user, and the database refuses anything else whoever writes.
 */
describe('a dead build on the wallet_sends row', () => {
  let db: TestDatabase;
  let deps: WalletDeps;
  before(async () => {
    db = await createTestDatabase();
    deps = { pool: mariadb.createPool(mariadbConfig(db.urlFor('wallet'))) } as WalletDeps;
  });
  after(async () => {
    await deps?.pool.end();
    await db?.drop();
  });

  it('is kept with why when the send is built again, only while it is the row’s unrelayed build', async () => {
    await storeBuilt(deps, 1n, built('a'));
    assert.equal((await storeRebuilt(deps, 1n, hash('f'), 'some other hash', built('b'))).txHash, hash('a'), 'not the stored build');
    const rebuilt = await storeRebuilt(deps, 1n, hash('a'), 'never mined: spent', built('b'));
    assert.deepEqual(
      [rebuilt.state, rebuilt.txHash, rebuilt.txMetadata, rebuilt.keyImages],
      ['BUILT', hash('b'), 'metadata-b', `${hash('1')},${hash('2')}`],
    );
    const [row] = await db.query('SELECT dead_builds AS deadBuilds FROM wallet_sends WHERE withdrawal_id = 1');
    assert.equal(row.deadBuilds, `${hash('a')} never mined: spent\n`);
    await storeRelayed(deps, 1n);
    assert.equal((await storeRebuilt(deps, 1n, hash('b'), 'relayed', built('c'))).txHash, hash('b'), 'a relayed send is never rebuilt');
    assert.equal((await readSend(deps, 1n))!.state, 'RELAYED');
  });

  it('is the only way the database lets a built transaction be replaced', async () => {
    await storeBuilt(deps, 2n, built('a'));
    const refused = /a built transaction is replaced only once recorded dead/;
    await assert.rejects(db.query(`UPDATE wallet_sends SET tx_hash = '${hash('b')}' WHERE withdrawal_id = 2`), refused);
    await assert.rejects(
      db.query(`UPDATE wallet_sends SET dead_builds = '${hash('c')} why\n', tx_hash = '${hash('b')}' WHERE withdrawal_id = 2`),
      refused,
    );
    await storeRebuilt(deps, 2n, hash('a'), 'why', built('b'));
    await assert.rejects(
      db.query(
        `UPDATE wallet_sends SET dead_builds = CONCAT(dead_builds, tx_hash, ' again\n'), tx_hash = '${hash('a')}' WHERE withdrawal_id = 2`,
      ),
      refused,
      'a dead build never comes back',
    );
    await assert.rejects(
      db.query('UPDATE wallet_sends SET dead_builds = NULL WHERE withdrawal_id = 2'),
      /dead builds are only ever added to/,
    );
  });
});
