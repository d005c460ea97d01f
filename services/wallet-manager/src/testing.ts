// This service's one entry point for code outside it (package.json "exports":
// @pupero/wallet-manager/testing): what packages/test-stack and the benchmarks start it and a regtest
// chain with. Nothing here is used in production.
export { buildApp } from './app.ts';
export { configSchema } from './config.ts';
export type { WalletDeps } from './deps.ts';
export { startJobs } from './jobs.ts';
export { consumeWithdrawals } from './messaging/withdrawal-consumer.ts';
export { daemonJsonRpc, generateBlocks, popBlocks } from './monero/daemon.ts';
export { openPlatformWallet, type Wallet } from './monero/wallet.ts';
export { type RegtestDaemon, startRegtestDaemon, startWalletRpc, type WalletRpcProcess } from './regtest/launch.ts';
export { createDeps } from './wiring.ts';
