import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { embeddedUrl } from '../src/database/embedded-postgres';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './utils/env';
import { freePort, portOpen, startServerProcess, waitForHealth } from './utils/server-process';

jest.setTimeout(150_000);

const MIGRATIONS = readdirSync(join(__dirname, '..', 'migrations')).filter((f) =>
  f.endsWith('.ts'),
);
const HEALTHY = { status: 'ok', checks: { postgres: { status: 'up' }, redis: { status: 'up' } } };

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

// Stopped by the signal it was sent (Nest re-raises it; embedded-postgres exits 128+15), not crashed.
function stoppedBySigterm(exit: { code: number | null; signal: NodeJS.Signals | null }): boolean {
  return exit.signal === 'SIGTERM' || exit.code === 0 || exit.code === 143;
}

describe('the server process with DATABASE_URL set', () => {
  const schema = `t_start_${randomBytes(5).toString('hex')}`;
  afterAll(() => query(TEST_DATABASE_URL, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`));

  it('migrates a new schema under the advisory lock, answers /health 200 and stops on SIGTERM', async () => {
    const port = await freePort();
    const server = startServerProcess({
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL: TEST_REDIS_URL,
      PORT: String(port),
    });
    try {
      const res = await waitForHealth(server, port);
      expect(await res.json()).toEqual(HEALTHY);
      const applied = await query<{ name: string }>(
        TEST_DATABASE_URL,
        `SELECT name FROM "${schema}".migrations`,
      );
      expect(applied).toHaveLength(MIGRATIONS.length);
      expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
    } finally {
      expect(stoppedBySigterm(await server.stop())).toBe(true);
    }
    expect(await portOpen(port)).toBe(false);
    expect(server.output().stderr).not.toMatch(/ERROR|failed/);
  });
});

describe('the server process with DATABASE_URL unset (embedded PostgreSQL)', () => {
  const home = mkdtempSync(join(tmpdir(), 'traitbase-home-'));
  // As root, PostgreSQL runs as the postgres user, which must reach the directory (mkdtemp gives 700).
  chmodSync(home, 0o755);
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('initialises under TRAITBASE_HOME once, stops with the server, and reuses the data next time', async () => {
    const [port, pgPort] = [await freePort(), await freePort()];
    const env = {
      TRAITBASE_HOME: home,
      EMBEDDED_PG_PORT: String(pgPort),
      REDIS_URL: TEST_REDIS_URL,
      PORT: String(port),
      LOG_LEVEL: 'log',
    };

    const first = startServerProcess(env);
    try {
      expect(await (await waitForHealth(first, port)).json()).toEqual(HEALTHY);
      await query(embeddedUrl(pgPort), 'CREATE TABLE newcomer_marker AS SELECT 42 AS answer');
    } finally {
      expect(stoppedBySigterm(await first.stop())).toBe(true);
    }
    expect(first.output().stdout).toContain(
      `initialising embedded PostgreSQL in ${join(home, 'pg')}`,
    );
    expect(await portOpen(pgPort)).toBe(false);

    const second = startServerProcess(env);
    try {
      expect(await (await waitForHealth(second, port)).json()).toEqual(HEALTHY);
      expect(await query(embeddedUrl(pgPort), 'SELECT answer FROM newcomer_marker')).toEqual([
        { answer: 42 },
      ]);
    } finally {
      expect(stoppedBySigterm(await second.stop())).toBe(true);
    }
    expect(second.output().stdout).not.toContain('initialising');
    expect(second.output().stdout).not.toMatch(/applied \d+ migration/);
    expect(await portOpen(pgPort)).toBe(false);
  });
});
