export * from './auth.ts';
export * from './ledger.ts';
export * from './offers.ts';
export * from './trades.ts';
export * from './withdrawals.ts';
