// This service's one entry point for code outside it (package.json "exports": @pupero/login/testing):
// what packages/test-stack and the benchmarks start it with. Nothing here is used in production.
import { fileURLToPath } from 'node:url';

export { buildApp } from './app.ts';
export { configSchema } from './config.ts';
export type { LoginDeps } from './deps.ts';
export { setRole } from './domain/roles.ts';
export { createDeps, peerClients } from './wiring.ts';

/** The operator's `npm run set-role` script, for tests that run it as the documented command. */
export const setRoleScript = fileURLToPath(new URL('./scripts/set-role.ts', import.meta.url));
