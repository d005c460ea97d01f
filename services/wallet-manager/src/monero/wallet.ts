import moneroTs from 'monero-ts';

export type Wallet = moneroTs.MoneroWalletRpc;

export interface WalletRpcSettings {
  url: string;
  username: string;
  password: string;
  walletName: string;
  walletPassword: string;
}

/** wallet-rpc's WALLET_RPC_ERROR_CODE_NOT_OPEN: it runs, but with no wallet open (it was restarted). */
const NOT_OPEN = -13;

/**
 * Connects to monero-wallet-rpc (monero-ts does the digest authentication) and opens the platform
 * wallet, creating it on the very first start. A wallet-rpc that restarts comes back with no wallet
 * open: a call it refuses for that reason opens the wallet again and is made once more.
 */
export async function openPlatformWallet(settings: WalletRpcSettings): Promise<Wallet> {
  const wallet = await moneroTs.connectToWalletRpc({ uri: settings.url, username: settings.username, password: settings.password });
  try {
    await wallet.openWallet(settings.walletName, settings.walletPassword);
  } catch (error) {
    if (!/not found|No wallet file|Failed to open/i.test((error as Error).message)) throw error;
    await wallet.createWallet({ path: settings.walletName, password: settings.walletPassword });
  }
  return reopeningAfterRestart(wallet, () => wallet.openWallet(settings.walletName, settings.walletPassword));
}

function reopeningAfterRestart(wallet: Wallet, reopen: () => Promise<unknown>): Wallet {
  let reopening: Promise<unknown> | undefined;
  const notOpen = (error: unknown) => (error as { getCode?: () => number }).getCode?.() === NOT_OPEN;
  return new Proxy(wallet, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'openWallet' || property === 'close') return value;
      return (...args: unknown[]) => {
        const result = value.apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.catch(async (error: unknown) => {
          if (!notOpen(error)) throw error;
          reopening ??= reopen().finally(() => {
            reopening = undefined;
          });
          await reopening;
          return value.apply(target, args);
        });
      };
    },
  });
}
