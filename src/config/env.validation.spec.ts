import { toAppConfig } from './configuration';
import { ConfigError, validateEnv } from './env.validation';

const RATE_RULE =
  'must be <requests>/<window> such as 100/1s or 6000/1m (requests up to 1000000000, window up to 1d), or off';

const TRUST_RULE =
  'must be true, false, or proxy addresses/CIDRs separated by commas (not a number of hops: a client reaching the service directly could forge them)';

function errorLines(raw: Record<string, string>): string[] {
  try {
    validateEnv(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message
      .split('\n')
      .slice(1)
      .map((line) => line.trim());
  }
  throw new Error('expected validateEnv to fail');
}

describe('validateEnv', () => {
  it('fills the documented defaults for an empty environment', () => {
    const env = validateEnv({});
    expect(env).toMatchObject({
      DATABASE_SCHEMA: 'public',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: 3000,
      TRAIT_DEFINITIONS_DIR: './trait-definitions',
      NOTEBOOK_PYTHON: '/usr/bin/python3',
      TRAITBASE_ROLE: 'all',
      LOG_LEVEL: 'log',
      API_KEY_CACHE_MS: 5000,
      TRAITBASE_HOME: '.traitbase',
      EMBEDDED_PG_PORT: 54329,
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.WAREHOUSE_URL).toBeUndefined();
  });

  it('converts numbers and keeps valid values', () => {
    const env = validateEnv({
      DATABASE_URL: 'postgresql://u:p@db:5432/app',
      REDIS_URL: 'rediss://cache:6380/2',
      PORT: '8080',
      EMBEDDED_PG_PORT: '55432',
      API_KEY_CACHE_MS: '0',
      TRAITBASE_ROLE: 'worker',
      GRAPHQL_INTROSPECTION: 'false',
    });
    expect(env).toMatchObject({
      PORT: 8080,
      EMBEDDED_PG_PORT: 55432,
      API_KEY_CACHE_MS: 0,
      TRAITBASE_ROLE: 'worker',
    });
  });

  it('reads RATE_LIMIT as a per-key default, or off', () => {
    const config = (raw: Record<string, string>) =>
      toAppConfig(validateEnv({ DATABASE_URL: 'postgres://db/app', ...raw })).rateLimit;
    expect(config({})).toEqual({ requests: 10_000, windowSeconds: 1 });
    expect(config({ RATE_LIMIT: '6000/1m' })).toEqual({ requests: 6000, windowSeconds: 60 });
    expect(config({ RATE_LIMIT: 'off' })).toBeNull();
  });

  it('reads ADDRESS_LIMIT per client address, or off, and TRUST_PROXY as Fastify takes it', () => {
    const config = (raw: Record<string, string>) =>
      toAppConfig(validateEnv({ DATABASE_URL: 'postgres://db/app', ...raw }));
    expect(config({}).addressLimit).toEqual({ requests: 100, windowSeconds: 60 });
    expect(config({ ADDRESS_LIMIT: '20/10s' }).addressLimit).toEqual({
      requests: 20,
      windowSeconds: 10,
    });
    expect(config({ ADDRESS_LIMIT: 'off' }).addressLimit).toBeNull();
    expect(config({}).trustProxy).toBe(false);
    expect(config({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(config({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ]);
  });

  it('treats an empty value as unset, as docker compose and .env files do', () => {
    const env = validateEnv({ PORT: '', DATABASE_URL: '', DATABASE_SCHEMA: '' });
    expect(env).toMatchObject({ PORT: 3000, DATABASE_SCHEMA: 'public' });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc', 'must be an integer from 0 to 65535'],
    ['PORT', '3.5', 'must be an integer from 0 to 65535'],
    ['PORT', '65536', 'must be an integer from 0 to 65535'],
    ['PORT', '-1', 'must be an integer from 0 to 65535'],
    ['EMBEDDED_PG_PORT', '0', 'must be an integer from 1 to 65535'],
    ['REDIS_URL', 'ftp://x', 'must be a redis:// or rediss:// URL'],
    ['REDIS_URL', '127.0.0.1:6379', 'must be a redis:// or rediss:// URL'],
    ['DATABASE_URL', 'mysql://db/app', 'must be a postgres:// URL'],
    ['WAREHOUSE_URL', 'snowflake://acct', 'must be a postgres:// URL'],
    ['DATABASE_SCHEMA', 'Public', 'must be a lower-case SQL identifier'],
    ['RATE_LIMIT', '100', RATE_RULE],
    ['RATE_LIMIT', '0/1s', RATE_RULE],
    ['RATE_LIMIT', '10/2d', RATE_RULE],
    ['ADDRESS_LIMIT', 'lots', RATE_RULE],
    ['TRUST_PROXY', 'everyone', TRUST_RULE],
    ['TRUST_PROXY', '2', TRUST_RULE],
    ['DATABASE_SCHEMA', 'a;drop', 'must be a lower-case SQL identifier'],
    ['TRAITBASE_ADMIN_KEY', 'short', 'must be at least 24 characters without spaces'],
    ['TRAITBASE_ROLE', 'both', 'must be one of api, worker, all'],
    ['LOG_LEVEL', 'info', 'must be one of fatal, error, warn, log, debug, verbose'],
    ['API_KEY_CACHE_MS', '-5', 'must be an integer number of milliseconds from 0 to 3600000'],
    ['GRAPHQL_INTROSPECTION', 'yes', 'must be true or false'],
  ])('%s=%s is rejected with a line naming the variable', (name, value, rule) => {
    expect(errorLines({ [name]: value })).toEqual([`${name}: ${rule}`]);
  });

  it('reports every bad variable at once, one line each, without echoing values', () => {
    const lines = errorLines({
      PORT: 'abc',
      REDIS_URL: 'ftp://x',
      TRAITBASE_ADMIN_KEY: 'my secret',
    });
    expect(lines.map((l) => l.split(':')[0]).sort()).toEqual([
      'PORT',
      'REDIS_URL',
      'TRAITBASE_ADMIN_KEY',
    ]);
    expect(lines.join('\n')).not.toContain('my secret');
    expect(lines.join('\n')).not.toContain('ftp://x');
  });

  it('reads AUDIENCE_PREVIEW_TIMEOUT_MS in milliseconds, 10 s by default, from 1 to 600000', () => {
    const url = { DATABASE_URL: 'postgresql://u:p@db:5432/app' };
    expect(toAppConfig(validateEnv(url)).audiencePreviewTimeoutMs).toBe(10_000);
    const set = validateEnv({ ...url, AUDIENCE_PREVIEW_TIMEOUT_MS: '250' });
    expect(toAppConfig(set).audiencePreviewTimeoutMs).toBe(250);
    for (const bad of ['0', '600001', '1.5', 'soon']) {
      expect(errorLines({ AUDIENCE_PREVIEW_TIMEOUT_MS: bad })).toEqual([
        'AUDIENCE_PREVIEW_TIMEOUT_MS: must be an integer number of milliseconds from 1 to 600000',
      ]);
    }
  });

  it('ignores variables it does not know', () => {
    expect(() => validateEnv({ HOME: '/root', SOMETHING_ELSE: 'x' })).not.toThrow();
  });
});
