// This service's one entry point for code outside it (package.json "exports": @pupero/gateway/testing):
// what packages/test-stack starts it with. Nothing here is used in production.
export { buildApp } from './app.ts';
export type { Resource, TradeState } from './authorization-matrix.ts';
export { type Config, configSchema } from './config.ts';
// The fuzz at full size (scripts/fuzz.ts): its stack, its requests and its runner.
export { type Finding, playBatch, Tally } from './fuzz-run.ts';
export { startFuzzStack } from './fuzz-stack.ts';
export type { Snapshot } from './fuzz-store.ts';
export { examplesFor, fuzzOf } from './fuzz-target.ts';
