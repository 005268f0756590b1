import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './utils/env';
import { freePort, startServerProcess } from './utils/server-process';

jest.setTimeout(120_000);

// Starts fail fast, exit 1, and say in plain lines which variable to fix; nothing is initialised.
describe('the server process refuses a bad environment', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'traitbase-home-'));
    chmodSync(home, 0o755);
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const run = async (env: Record<string, string>) => {
    const server = startServerProcess({ TRAITBASE_HOME: home, ...env });
    const exit = await server.exited;
    return { ...exit, stderr: server.output().stderr.trim() };
  };

  it('names every invalid variable and its rule, one per line, without a stack trace', async () => {
    const res = await run({
      PORT: 'abc',
      REDIS_URL: 'ftp://x',
      TRAITBASE_ROLE: 'boss',
      DATABASE_SCHEMA: 'Bad-Name',
    });
    expect(res.code).toBe(1);
    const lines = res.stderr.split('\n').map((l) => l.trim());
    expect(lines[0]).toBe('Invalid environment:');
    expect(lines.slice(1).sort()).toEqual([
      'DATABASE_SCHEMA: must be a lower-case SQL identifier',
      'PORT: must be an integer from 0 to 65535',
      'REDIS_URL: must be a redis:// or rediss:// URL',
      'TRAITBASE_ROLE: must be one of api, worker, all',
    ]);
    expect(readdirSync(home)).toEqual([]);
  });

  it('does not echo the rejected value (it may be a secret)', async () => {
    const res = await run({ TRAITBASE_ADMIN_KEY: 'too short secret', REDIS_URL: TEST_REDIS_URL });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      'TRAITBASE_ADMIN_KEY: must be at least 24 characters without spaces',
    );
    expect(res.stderr).not.toContain('too short secret');
  });

  it('exits with one line saying how to get Redis when none answers, before touching Postgres', async () => {
    const res = await run({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    expect(res.code).toBe(1);
    expect(res.stderr.split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(
      /^Redis does not answer at redis:\/\/127\.0\.0\.1:\d+: start one with `docker compose up -d redis`/,
    );
    expect(res.stderr).toContain('or set REDIS_URL');
    expect(readdirSync(home)).toEqual([]);
  });

  it('hides the password of a Redis URL in that line', async () => {
    const res = await run({ REDIS_URL: `redis://user:hunter2@127.0.0.1:${await freePort()}` });
    expect(res.code).toBe(1);
    expect(res.stderr).not.toContain('hunter2');
  });

  it('refuses an EMBEDDED_PG_PORT that another server holds instead of using that server', async () => {
    const taken = new URL(TEST_DATABASE_URL).port || '5432';
    const res = await run({ REDIS_URL: TEST_REDIS_URL, EMBEDDED_PG_PORT: taken });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      new RegExp(
        `^EMBEDDED_PG_PORT: port ${taken} is (served by another PostgreSQL|taken by another program)`,
      ),
    );
    expect(readdirSync(home)).toEqual([]);
  });

  it('names DATABASE_URL when its database does not exist or nothing answers there', async () => {
    const missing = new URL(TEST_DATABASE_URL);
    missing.pathname = `/tb_missing_${Date.now().toString(36)}`;
    const noDb = await run({ DATABASE_URL: missing.toString(), REDIS_URL: TEST_REDIS_URL });
    expect(noDb.code).toBe(1);
    expect(noDb.stderr).toMatch(
      /^DATABASE_URL: database "tb_missing_\w+" does not exist; create it first/,
    );

    const closed = new URL(TEST_DATABASE_URL);
    closed.port = String(await freePort());
    const down = await run({ DATABASE_URL: closed.toString(), REDIS_URL: TEST_REDIS_URL });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^DATABASE_URL: PostgreSQL does not answer \(connect ECONNREFUSED/);
    expect(down.stderr.split('\n')).toHaveLength(1);
  });

  it('says which PORT is in use when the HTTP port is taken', async () => {
    const schema = `t_port_${Date.now().toString(36)}`;
    const res = await run({
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL: TEST_REDIS_URL,
      PORT: new URL(TEST_REDIS_URL).port || '6379',
    });
    const client = new Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/PORT: \d+ is already in use; set PORT to a free port/);
  });
});
