import { loadConfig } from '@pupero/shared/config';
import { createPrismaClient } from '@pupero/shared/db';
import { serve } from '@pupero/shared/http';
import { createSigningKey } from '@pupero/shared/jwt';
import { buildApp } from './app.ts';
import { configSchema } from './config.ts';

const config = loadConfig(configSchema, process.env);
const prisma = createPrismaClient(config.DATABASE_URL);
const tokens = { key: createSigningKey(config.JWT_SECRET, 'JWT_SECRET'), issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE };
const serviceKey = createSigningKey(config.SERVICE_TOKEN_SECRET, 'SERVICE_TOKEN_SECRET');
const app = buildApp({ config, prisma, tokens, serviceKey });

await serve(app, { host: config.HOST, port: config.LOGIN_PORT }, () => prisma.$disconnect());
