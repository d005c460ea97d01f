import { loadConfig } from '@pupero/shared/config';
import { createPrismaClient } from '@pupero/shared/db';
import { createSigningKey } from '@pupero/shared/jwt';
import { buildApp } from './app.ts';
import { configSchema } from './config.ts';

const config = loadConfig(configSchema, process.env);
const prisma = createPrismaClient(config.DATABASE_URL);
const tokens = { key: createSigningKey(config.JWT_SECRET, 'JWT_SECRET'), issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE };
const serviceKey = createSigningKey(config.SERVICE_TOKEN_SECRET, 'SERVICE_TOKEN_SECRET');
const app = buildApp({ config, prisma, tokens, serviceKey });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await prisma.$disconnect();
    process.exit(0);
  });
}

await app.listen({ host: config.HOST, port: config.LOGIN_PORT });
