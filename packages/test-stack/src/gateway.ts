import type { AddressInfo } from 'node:net';
import { buildApp, configSchema } from '@pupero/gateway/testing';
import { loadConfig } from '@pupero/shared/config';
import type { Server } from '@pupero/shared/http';
import { tokenSettingsFrom } from '@pupero/shared/jwt';
import { keyEnvironment } from '@pupero/shared/key-plan';
import { type JsonClient, jsonClient } from '@pupero/shared/testing';
import { startLogin, type TestLogin } from './login.ts';

export interface TestStack {
  gatewayUrl: string;
  api: JsonClient;
  login: TestLogin;
  gateway: Server;
  close(): Promise<void>;
}

/** The real gateway in front of the real login service (fresh database), both on free ports. */
export async function startStack(
  options: { gatewayEnv?: Record<string, string>; loginEnv?: Record<string, string> } = {},
): Promise<TestStack> {
  const login = await startLogin(options.loginEnv);
  const config = loadConfig(configSchema, {
    LOGIN_SERVICE_URL: login.url,
    ...keyEnvironment(login.keys, 'gateway'),
    LOG_LEVEL: 'silent',
    ...options.gatewayEnv,
  });
  const gateway = await buildApp({ config, tokens: tokenSettingsFrom(config) }, { logger: false });
  await gateway.listen({ host: '127.0.0.1', port: 0 });
  const gatewayUrl = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;
  return {
    gatewayUrl,
    api: jsonClient(gatewayUrl),
    login,
    gateway,
    async close() {
      await gateway.close();
      await login.close();
    },
  };
}

let counter = 0;
/** A unique, valid registration body. */
export function newAccount(prefix = 'user') {
  counter += 1;
  const tag = `${prefix}${process.pid}${counter}${Math.floor(Math.random() * 1e6)}`.slice(0, 32);
  return { email: `${tag}@example.test`, username: tag, password: 'correct horse battery staple' };
}
