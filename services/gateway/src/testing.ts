// This service's one entry point for code outside it (package.json "exports": @pupero/gateway/testing):
// what packages/test-stack starts it with. Nothing here is used in production.
export { buildApp } from './app.ts';
export type { Resource, TradeState } from './authorization-matrix.ts';
export { type Config, configSchema } from './config.ts';
