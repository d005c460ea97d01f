import { loadConfig } from '@pupero/shared/config';
import { createSigningKey } from '@pupero/shared/jwt';
import { buildApp } from './app.ts';
import { configSchema } from './config.ts';

const config = loadConfig(configSchema, process.env);
const tokens = { key: createSigningKey(config.JWT_SECRET, 'JWT_SECRET'), issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE };
const app = await buildApp({ config, tokens });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  });
}

await app.listen({ host: config.HOST, port: config.GATEWAY_PORT });
