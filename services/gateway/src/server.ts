import { loadConfig } from '@pupero/shared/config';
import { serve } from '@pupero/shared/http';
import { createSigningKey } from '@pupero/shared/jwt';
import { buildApp } from './app.ts';
import { configSchema } from './config.ts';

const config = loadConfig(configSchema, process.env);
const tokens = { key: createSigningKey(config.JWT_SECRET, 'JWT_SECRET'), issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE };
const app = await buildApp({ config, tokens });

await serve(app, { host: config.HOST, port: config.GATEWAY_PORT });
