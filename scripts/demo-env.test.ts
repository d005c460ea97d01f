import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const demoEnv = parseEnv(readFileSync(`${root}Pupero-Assets/.env`, 'utf8')) as Record<string, string>;
const demoKey = (name: string) => `${root}Pupero-Assets/demo-keys/${name}.key`;

/** Each service as the dev Compose layout starts it: the demo .env, and its own demo private keys as files. */
const services: Record<string, Record<string, string>> = {
  login: { ACCESS_TOKEN_SIGNING_KEY_FILE: demoKey('access-token'), SERVICE_SIGNING_KEY_FILE: demoKey('login') },
  offers: { SERVICE_SIGNING_KEY_FILE: demoKey('offers') },
  transactions: { SERVICE_SIGNING_KEY_FILE: demoKey('transactions') },
  'wallet-manager': { SERVICE_SIGNING_KEY_FILE: demoKey('wallet-manager') },
  gateway: {},
  frontend: { SERVICE_SIGNING_KEY_FILE: demoKey('frontend') },
};

function run(service: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', `services/${service}/src/server.ts`], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...demoEnv, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

describe('the demo .env outside regtest', () => {
  for (const [service, keys] of Object.entries(services)) {
    it(`${service} started on testnet with the demo .env exits non-zero naming the demo variable`, async () => {
      const { code, stderr } = await run(service, { ...keys, MONERO_NETWORK: 'testnet' });
      assert.notEqual(code, 0, stderr);
      assert.equal(code, 1, 'it exits, not killed by the timeout');
      const named = service === 'gateway' ? 'ACCESS_TOKEN_PUBLIC_KEYS' : 'SERVICE_SIGNING_KEY';
      assert.match(stderr, new RegExp(`${named}: holds a demo value of Pupero-Assets/.env, refused on testnet`), stderr);
      assert.match(stderr, /SESSION_SECRET: holds a demo value/, 'every demo variable of the environment is named');
    });
  }
});
