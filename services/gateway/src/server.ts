import { loadConfig } from '@pupero/shared/config';
import { serve } from '@pupero/shared/http';
import { tokenSettingsFrom } from '@pupero/shared/jwt';
import { buildApp } from './app.ts';
import { configSchema } from './config.ts';

const config = loadConfig(configSchema, process.env);
const tokens = tokenSettingsFrom(config);
const app = await buildApp({ config, tokens });

await serve(app, { host: config.HOST, port: config.GATEWAY_PORT });
