// This service's one entry point for code outside it (package.json "exports": @pupero/frontend/testing):
// what packages/test-stack starts it with. Nothing here is used in production.
export { createApp } from './app.ts';
export { configSchema } from './config.ts';
export type { FrontendDeps } from './deps.ts';
export { createDeps } from './wiring.ts';
