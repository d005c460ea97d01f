import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { ConfigError, envBoolean, envInt, envPort, envSecret, loadConfig, logLevel } from './config.ts';

const schema = z.object({
  PORT: envPort.default(3000),
  JWT_SECRET: envSecret,
  SECURE_COOKIES: envBoolean.default(false),
  POOL_SIZE: envInt(1, 50).default(10),
  LOG_LEVEL: logLevel,
});

const secret = 's'.repeat(32);

function configErrorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(schema, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error;
  }
  assert.fail('expected loadConfig to throw a ConfigError');
}

describe('loadConfig', () => {
  it('applies the defaults when only the secret is set', () => {
    const config = loadConfig(schema, { JWT_SECRET: secret });
    assert.deepEqual(config, { PORT: 3000, JWT_SECRET: secret, SECURE_COOKIES: false, POOL_SIZE: 10, LOG_LEVEL: 'info' });
  });

  it('parses the strings of a full environment into typed values', () => {
    const config = loadConfig(schema, { PORT: '8080', JWT_SECRET: secret, SECURE_COOKIES: 'true', POOL_SIZE: '25', LOG_LEVEL: 'warn' });
    assert.deepEqual(config, { PORT: 8080, JWT_SECRET: secret, SECURE_COOKIES: true, POOL_SIZE: 25, LOG_LEVEL: 'warn' });
  });

  it('returns a frozen object', () => {
    const config = loadConfig(schema, { JWT_SECRET: secret });
    assert.ok(Object.isFrozen(config));
    assert.equal(Reflect.set(config, 'PORT', 1), false);
    assert.equal(config.PORT, 3000);
  });

  it('lists every bad variable, not only the first, in problems and in the message', () => {
    const error = configErrorOf({ PORT: '70000', SECURE_COOKIES: 'yes', POOL_SIZE: 'many', LOG_LEVEL: 'loud' });
    const bad = ['PORT', 'JWT_SECRET', 'SECURE_COOKIES', 'POOL_SIZE', 'LOG_LEVEL'];
    assert.equal(error.problems.length, bad.length);
    for (const name of bad) {
      assert.ok(
        error.problems.some((p) => p.startsWith(`${name}: `)),
        `problems name ${name}`,
      );
      assert.match(error.message, new RegExp(`- ${name}: `));
    }
    assert.ok(error.problems.includes('JWT_SECRET: is required'));
    assert.ok(error.problems.includes('SECURE_COOKIES: must be true or false'));
  });
});

describe('envBoolean', () => {
  it('reads "false" and "0" as false, never true', () => {
    assert.equal(envBoolean.parse('false'), false);
    assert.equal(envBoolean.parse('0'), false);
  });

  it('reads "true" and "1" as true', () => {
    assert.equal(envBoolean.parse('true'), true);
    assert.equal(envBoolean.parse('1'), true);
  });

  it('refuses anything else', () => {
    for (const value of ['yes', 'TRUE', 'False', '', ' true']) {
      assert.equal(envBoolean.safeParse(value).success, false, `refuses ${JSON.stringify(value)}`);
    }
  });
});

describe('envSecret', () => {
  it('refuses a secret shorter than 32 bytes', () => {
    const result = envSecret.safeParse('s'.repeat(31));
    assert.equal(result.success, false);
    assert.equal(result.error?.issues[0]?.message, 'must be at least 32 bytes');
  });

  it('accepts 32 bytes, counted in UTF-8 bytes rather than characters', () => {
    assert.equal(envSecret.parse(secret), secret);
    assert.equal(envSecret.safeParse('é'.repeat(16)).success, true);
    assert.equal(envSecret.safeParse('é'.repeat(15)).success, false);
  });

  it('has no default', () => {
    assert.equal(envSecret.safeParse(undefined).error?.issues[0]?.message, 'is required');
  });
});

describe('envPort and envInt', () => {
  it('accepts ports from 1 to 65535 only', () => {
    assert.equal(envPort.parse('1'), 1);
    assert.equal(envPort.parse('65535'), 65535);
    for (const value of ['0', '65536', '80.5', 'http', '-1']) {
      assert.equal(envPort.safeParse(value).success, false, `refuses ${value}`);
    }
  });

  it('keeps an integer within its bounds', () => {
    const poolSize = envInt(1, 50);
    assert.equal(poolSize.parse('1'), 1);
    assert.equal(poolSize.parse('50'), 50);
    for (const value of ['0', '51', '2.5', 'ten', '', ' ', '0x1F', '1e1']) {
      assert.equal(poolSize.safeParse(value).success, false, `refuses ${value}`);
    }
  });
});
