import moneroTs from 'monero-ts';

export type Wallet = moneroTs.MoneroWalletRpc;

export interface WalletRpcSettings {
  url: string;
  username: string;
  password: string;
  walletName: string;
  walletPassword: string;
}

/**
 * Connects to monero-wallet-rpc (monero-ts does the digest authentication) and opens the platform
 * wallet, creating it on the very first start.
 */
export async function openPlatformWallet(settings: WalletRpcSettings): Promise<Wallet> {
  const wallet = await moneroTs.connectToWalletRpc({ uri: settings.url, username: settings.username, password: settings.password });
  try {
    await wallet.openWallet(settings.walletName, settings.walletPassword);
  } catch (error) {
    if (!/not found|No wallet file|Failed to open/i.test((error as Error).message)) throw error;
    await wallet.createWallet({ path: settings.walletName, password: settings.walletPassword });
  }
  return wallet;
}
