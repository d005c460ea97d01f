import moneroTs from 'monero-ts';
import type { z } from 'zod';

import { moneroNetwork } from './config.ts';

export { moneroNetwork };
export type MoneroNetwork = z.infer<typeof moneroNetwork>;

const networkTypes = {
  mainnet: moneroTs.MoneroNetworkType.MAINNET,
  testnet: moneroTs.MoneroNetworkType.TESTNET,
  stagenet: moneroTs.MoneroNetworkType.STAGENET,
  // Regtest addresses use mainnet prefixes.
  regtest: moneroTs.MoneroNetworkType.MAINNET,
} as const;

/** Checks an address offline (monero-ts's WebAssembly) for the configured network. */
export function addressValidator(network: MoneroNetwork): (address: string) => Promise<boolean> {
  const networkType = networkTypes[network];
  return (address) => moneroTs.MoneroUtils.isValidAddress(address, networkType);
}

/** monero-ts keeps a worker alive once its WebAssembly ran: stop it, or the process never exits. */
export function stopMoneroWorker(): Promise<void> {
  return moneroTs.LibraryUtils.terminateWorker();
}
