import type { WalletDeps } from '../deps.ts';
import { withNamedLock } from './named-lock.ts';

interface AddressRow {
  address: string;
  subaddressIndex: number;
}

async function storedAddress(deps: WalletDeps, userId: number): Promise<AddressRow | undefined> {
  const [row] = (await deps.pool.query('SELECT address, subaddress_index AS subaddressIndex FROM deposit_addresses WHERE user_id = ?', [
    userId,
  ])) as AddressRow[];
  return row;
}

/** The user's own subaddress of account 0: created once (under a lock, so never twice), then stored. */
export async function depositAddressFor(deps: WalletDeps, userId: number) {
  const row =
    (await storedAddress(deps, userId)) ??
    (await withNamedLock(deps.pool, 'pupero_deposit_address', async () => {
      const again = await storedAddress(deps, userId);
      if (again) return again;
      const subaddress = await deps.wallet.createSubaddress(0, `user:${userId}`);
      const created = { address: subaddress.getAddress(), subaddressIndex: subaddress.getIndex() };
      await deps.pool.query('INSERT INTO deposit_addresses (user_id, subaddress_index, address) VALUES (?, ?, ?)', [
        userId,
        created.subaddressIndex,
        created.address,
      ]);
      return created;
    }));
  return { address: row.address, subaddressIndex: row.subaddressIndex, uri: `monero:${row.address}` };
}
