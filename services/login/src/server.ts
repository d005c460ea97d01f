import { loadConfig } from '@pupero/shared/config';
import { serve } from '@pupero/shared/http';
import { buildApp } from './app.ts';
import { configSchema } from './config.ts';
import { createDeps } from './wiring.ts';

const config = loadConfig(configSchema, process.env);
const deps = createDeps(config);
const app = buildApp(deps);

await serve(app, { host: config.HOST, port: config.LOGIN_PORT }, () => deps.prisma.$disconnect());
