import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { ConfigError, envPublicKeys, envSecret, envSigningKey, loadConfig } from './config.ts';
import { demoProblems } from './demo-secrets.ts';

const assets = new URL('../../../Pupero-Assets/', import.meta.url);
const demoEnv = parseEnv(readFileSync(new URL('.env', assets), 'utf8')) as Record<string, string>;
const demoKeyFiles = readdirSync(new URL('demo-keys/', assets)).map((name) =>
  readFileSync(new URL(`demo-keys/${name}`, assets), 'utf8').trim(),
);

describe('the demo values of Pupero-Assets/.env', () => {
  const secretNames = Object.keys(demoEnv).filter((name) => /SECRET|PASSWORD|_KEYS?$/.test(name));

  it('are all recognised outside regtest: every secret, password and key, and each demo private key', () => {
    assert.ok(secretNames.length >= 8, secretNames.join(' '));
    for (const name of secretNames) {
      assert.equal(demoProblems({ MONERO_NETWORK: 'testnet', [name]: demoEnv[name] }).length, 1, name);
    }
    for (const key of demoKeyFiles) assert.equal(demoProblems({ SERVICE_SIGNING_KEY: key }).length, 1, 'a demo private key on mainnet');
  });

  it('are accepted on regtest only', () => {
    assert.deepEqual(demoProblems({ ...demoEnv, MONERO_NETWORK: 'regtest' }), []);
    const problems = demoProblems({ ...demoEnv, MONERO_NETWORK: 'stagenet' });
    assert.ok(problems.some((p) => p.startsWith('SESSION_SECRET: ')));
    assert.ok(problems.some((p) => p.startsWith('ACCESS_TOKEN_PUBLIC_KEYS: ')));
  });

  it('are named by loadConfig, beside any other problem, and a fresh key passes', () => {
    const schema = z.object({ SESSION_SECRET: envSecret, SERVICE_SIGNING_KEY: envSigningKey });
    const fresh = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .privateKey.export({ format: 'der', type: 'pkcs8' })
      .toString('base64');
    assert.throws(
      () => loadConfig(schema, { SESSION_SECRET: demoEnv.SESSION_SECRET, SERVICE_SIGNING_KEY: demoKeyFiles[0], MONERO_NETWORK: 'testnet' }),
      (error) => error instanceof ConfigError && error.problems.length === 2 && /SESSION_SECRET: holds a demo value/.test(error.message),
    );
    const config = loadConfig(schema, { SESSION_SECRET: 'x'.repeat(32), SERVICE_SIGNING_KEY: fresh, MONERO_NETWORK: 'mainnet' });
    assert.equal(config.SERVICE_SIGNING_KEY.key.asymmetricKeyType, 'ec');
  });

  it('refuses keys weaker or other than the algorithm needs, naming the variable', () => {
    const weak = [
      generateKeyPairSync('ec', { namedCurve: 'secp224r1' }).privateKey,
      generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey,
      generateKeyPairSync('ed25519').privateKey,
    ].map((key) => key.export({ format: 'der', type: 'pkcs8' }).toString('base64'));
    const schema = z.object({ SERVICE_SIGNING_KEY: envSigningKey, SESSION_SECRET: envSecret });
    for (const key of [...weak, 'c2hvcnQ=', 'not a key']) {
      assert.throws(
        () => loadConfig(schema, { SERVICE_SIGNING_KEY: key, SESSION_SECRET: 'short' }),
        (error) =>
          error instanceof ConfigError &&
          error.problems.some((p) => p.startsWith('SERVICE_SIGNING_KEY: must be')) &&
          error.problems.includes('SESSION_SECRET: must be at least 32 bytes'),
      );
    }
  });
});

describe('public-key variables', () => {
  it('refuse a private key, PEM or DER, instead of deriving its public half', () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const schema = z.object({ ACCESS_TOKEN_PUBLIC_KEYS: envPublicKeys });
    for (const privateKey of [
      pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    ]) {
      assert.throws(
        () => loadConfig(schema, { ACCESS_TOKEN_PUBLIC_KEYS: privateKey }),
        (error) => error instanceof ConfigError && /ACCESS_TOKEN_PUBLIC_KEYS: must be a public key/.test(error.message),
      );
    }
    const publicPem = pair.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    assert.equal(loadConfig(schema, { ACCESS_TOKEN_PUBLIC_KEYS: publicPem }).ACCESS_TOKEN_PUBLIC_KEYS.size, 1);
  });
});
