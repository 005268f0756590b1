import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { FALLBACK_BASE } from '../src/database/embedded-place';
import { embeddedUrl } from '../src/database/embedded-postgres';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './utils/env';
import {
  freePort,
  portOpen,
  startServerProcess,
  startTestServer,
  waitForHealth,
} from './utils/server-process';
import { dropSchema } from './utils/test-schema';

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
  afterAll(() => dropSchema(schema));

  it('migrates a new schema under the advisory lock, answers /health 200 and stops on SIGTERM', async () => {
    const { server, port } = await startTestServer(schema);
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

// A server on the embedded PostgreSQL under `home`, on free ports.
async function embeddedEnv(home: string) {
  const [port, pgPort] = [await freePort(), await freePort()];
  const env = {
    TRAITBASE_HOME: home,
    EMBEDDED_PG_PORT: String(pgPort),
    REDIS_URL: TEST_REDIS_URL,
    PORT: String(port),
    LOG_LEVEL: 'log',
  };
  return { port, pgPort, env };
}

// Starts the server twice on the embedded PostgreSQL: the first start leaves a marker table, the
// second must find it. Each start is stopped with SIGTERM and takes its PostgreSQL down with it.
async function startTwice(home: string): Promise<{ first: string; second: string }> {
  const { port, pgPort, env } = await embeddedEnv(home);
  const outputs: string[] = [];
  for (const step of ['mark', 'find'] as const) {
    const server = startServerProcess(env);
    try {
      expect(await (await waitForHealth(server, port)).json()).toEqual(HEALTHY);
      if (step === 'mark')
        await query(embeddedUrl(pgPort), 'CREATE TABLE newcomer_marker AS SELECT 42 AS answer');
      else
        expect(await query(embeddedUrl(pgPort), 'SELECT answer FROM newcomer_marker')).toEqual([
          { answer: 42 },
        ]);
    } finally {
      expect(stoppedBySigterm(await server.stop())).toBe(true);
    }
    expect(await portOpen(pgPort)).toBe(false);
    outputs.push(server.output().stdout);
  }
  return { first: outputs[0], second: outputs[1] };
}

describe('the server process with DATABASE_URL unset (embedded PostgreSQL)', () => {
  const home = mkdtempSync(join(tmpdir(), 'traitbase-home-'));
  // As root, PostgreSQL runs as the postgres user, which must reach the directory (mkdtemp gives 700).
  chmodSync(home, 0o755);
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('initialises under TRAITBASE_HOME once, stops with the server, and reuses the data next time', async () => {
    const { first, second } = await startTwice(home);
    expect(first).toContain(`initialising embedded PostgreSQL in ${join(home, 'pg')}`);
    expect(second).not.toContain('initialising');
    expect(second).not.toMatch(/applied \d+ migration/);
  });

  // A supervisor that kills the server process alone (not its group) leaves its PostgreSQL running:
  // the next start must not adopt it forever but own it, so stopping that start stops it too.
  it('restarts a PostgreSQL left by a server killed alone, and stops it with itself', async () => {
    const { port, pgPort, env } = await embeddedEnv(home);
    const killed = startServerProcess(env);
    try {
      expect(await (await waitForHealth(killed, port)).json()).toEqual(HEALTHY);
    } finally {
      killed.child.kill('SIGKILL');
    }
    await killed.exited;
    expect(await portOpen(pgPort)).toBe(true); // left behind
    const next = startServerProcess(env);
    try {
      expect(await (await waitForHealth(next, port)).json()).toEqual(HEALTHY);
      expect(next.output().stdout).toContain('outlived the process that started it: restarting it');
    } finally {
      expect(stoppedBySigterm(await next.stop())).toBe(true);
    }
    expect(await portOpen(pgPort)).toBe(false);
  });
});

// A clone under /root (mode 700): the postgres user reaches neither TRAITBASE_HOME nor the binaries.
const asRoot = process.getuid?.() === 0 ? describe : describe.skip;
asRoot('the server process as root with TRAITBASE_HOME out of the postgres user’s reach', () => {
  const hidden = mkdtempSync(join(tmpdir(), 'traitbase-private-')); // mode 700
  const home = join(hidden, '.traitbase');
  const moved = join(FALLBACK_BASE, createHash('sha256').update(home).digest('hex').slice(0, 12));
  afterAll(() => {
    rmSync(hidden, { recursive: true, force: true });
    rmSync(moved, { recursive: true, force: true });
  });

  it('keeps the data in a reachable place of its own, says where, and reuses it', async () => {
    const { first, second } = await startTwice(home);
    const said = first.split('\n').filter((line) => line.includes(moved));
    expect(said).toHaveLength(2); // where the data is, then initialising there
    expect(said[0]).toContain(`the postgres user cannot reach ${home}`);
    expect(second).toContain(`embedded PostgreSQL data in ${moved}`);
    expect(second).not.toContain('initialising');
  });
});
