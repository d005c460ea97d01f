// This service's one entry point for code outside it (package.json "exports": @pupero/offers/testing):
// what packages/test-stack and the benchmarks start it with. Nothing here is used in production.
export { buildApp } from './app.ts';
export { configSchema } from './config.ts';
export type { OffersDeps } from './deps.ts';
export { createDeps } from './wiring.ts';
