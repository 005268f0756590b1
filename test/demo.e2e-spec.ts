import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './utils/env';
import { readmeExamples } from './utils/readme-examples';
import { freePort, ServerProcess, startServerProcess, waitForHealth } from './utils/server-process';
import { dropSchema } from './utils/test-schema';

// A real server on a schema of its own, with a warehouse database of its own (the demo creates
// analytics.* there), loaded twice by the real `traitbase demo`.
jest.setTimeout(300_000);

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'traitbase.js');
const suffix = randomBytes(5).toString('hex');
const SCHEMA = `t_demo_${suffix}`;
const WAREHOUSE_DB = `tb_demo_wh_${suffix}`;
const WAREHOUSE_URL = TEST_DATABASE_URL.replace(/\/[^/?]+(\?|$)/, `/${WAREHOUSE_DB}$1`);

interface Outcome {
  keys: { game: string; admin: string };
  keysCreated: string[];
  players: number;
  events: { sent: number; stored: number };
  notebook: { runId: string | null; skipped: string | null };
  audiences: { slug: string; size: number | null }[];
  changed: boolean;
  seconds: number;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string>): Promise<Result> {
  return new Promise((done) => {
    execFile(
      file,
      args,
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 240_000 },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function admin(sql: string, url = TEST_DATABASE_URL): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

const COUNTS = `SELECT
  (SELECT count(*) FROM "${SCHEMA}".profile) AS profiles,
  (SELECT count(*) FROM "${SCHEMA}".trait_revision) AS revisions,
  (SELECT count(*) FROM "${SCHEMA}".events) AS events,
  (SELECT count(*) FROM "${SCHEMA}".event_inbox) AS inbox,
  (SELECT count(*) FROM "${SCHEMA}".api_key) AS keys,
  (SELECT count(*) FROM "${SCHEMA}".audience_version) AS audience_versions,
  (SELECT count(*) FROM "${SCHEMA}".trait_definition_version) AS definition_versions,
  (SELECT count(*) FROM "${SCHEMA}".run
     WHERE NOT (source_kind = 'audience' AND metadata->>'trigger' = 'schedule')) AS runs`;

describe('traitbase demo', () => {
  let server: ServerProcess;
  let url: string;
  let home: string;
  let env: Record<string, string>;
  let first: Outcome;

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${WAREHOUSE_DB}`);
    home = mkdtempSync(join(tmpdir(), 'traitbase-demo-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: SCHEMA,
      WAREHOUSE_URL,
      REDIS_URL: TEST_REDIS_URL,
      PORT: String(port),
      TRAIT_DEFINITIONS_DIR: join(ROOT, 'trait-definitions'),
      TRAITBASE_HOME: home,
    };
    server = startServerProcess(env);
    await waitForHealth(server, port, 120_000);
  });

  afterAll(async () => {
    await server?.stop();
    await dropSchema(SCHEMA);
    await admin(`DROP DATABASE IF EXISTS ${WAREHOUSE_DB} WITH (FORCE)`);
    rmSync(home, { recursive: true, force: true });
  });

  const demo = () =>
    run(process.execPath, [BIN, 'demo', '--json'], {
      ...env,
      NODE_OPTIONS: '',
      TRAITBASE_FROM_SOURCE: '1',
      TRAITBASE_URL: url,
    });

  const runs = () =>
    admin(`SELECT source_kind, source, status, error FROM "${SCHEMA}".run ORDER BY started_at`);

  it('says to start the server when none answers, and refuses unknown options', async () => {
    const closed = await freePort();
    const res = await run(process.execPath, [BIN, 'demo'], {
      ...env,
      NODE_OPTIONS: '',
      TRAITBASE_FROM_SOURCE: '1',
      TRAITBASE_URL: `http://127.0.0.1:${closed}`,
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `traitbase: no healthy Traitbase answers at http://127.0.0.1:${closed}: start it with \`npm start\``,
    );
    const usage = await run(process.execPath, [BIN, 'demo', '--players', '3'], {
      ...env,
      NODE_OPTIONS: '',
      TRAITBASE_FROM_SOURCE: '1',
    });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('traitbase: unknown option --players');
  });

  it('starts on the shipped examples without a failed or skipped run', async () => {
    // The audiences in trait-definitions/audiences are evaluated at start, on no data.
    await new Promise((r) => setTimeout(r, 3000));
    const bad = (await runs()).filter((r) => r.status !== 'succeeded' && r.status !== 'running');
    expect(bad).toEqual([]);
  });

  it('loads the studio: events, the dbt model, the churn notebook, two audiences', async () => {
    const res = await demo();
    expect(res).toMatchObject({ code: 0 });
    first = JSON.parse(res.stdout) as Outcome;
    process.stderr.write(`demo load: ${first.seconds.toFixed(1)}s\n${res.stderr}`);
    expect(first.keysCreated).toEqual(['demo-game-client', 'demo-operator']);
    expect(first.events.sent).toBeGreaterThan(first.players * 10);
    expect(first.notebook).toMatchObject({ skipped: null, runId: expect.any(String) });
    expect(first.changed).toBe(true);
    for (const a of first.audiences) expect(a.size).toBeGreaterThan(0);
    expect(first.audiences.map((a) => a.slug)).toEqual(['at_risk_spenders', 'store_abandoners']);

    const [kinds] = await admin(`SELECT
      (SELECT count(*) FROM "${SCHEMA}".identity WHERE type = 'anonymous_id') AS devices,
      (SELECT count(DISTINCT profile_id) FROM "${SCHEMA}".identity WHERE type = 'user_id') AS players,
      (SELECT count(*) FROM "${SCHEMA}".events WHERE context->'location'->>'country' IS NOT NULL
         AND context->'device'->>'model' IS NOT NULL) AS located`);
    expect(Number(kinds.players)).toBe(first.players);
    expect(Number(kinds.devices)).toBe(first.players);
    expect(Number(kinds.located)).toBe(first.events.sent);
    const kindsRun = new Set(
      (await runs()).map((r) => `${String(r.source_kind)}:${String(r.status)}`),
    );
    expect([...kindsRun].sort()).toEqual([
      'audience:succeeded',
      'dbt:succeeded',
      'notebook:succeeded',
    ]);
  });

  it('adds nothing when run again, and prints the same keys', async () => {
    const before = await admin(COUNTS);
    const res = await demo();
    expect(res).toMatchObject({ code: 0 });
    const again = JSON.parse(res.stdout) as Outcome;
    expect(again.changed).toBe(false);
    expect(again.keysCreated).toEqual([]);
    expect(again.keys).toEqual(first.keys);
    expect(again.events.sent).toBe(0);
    expect(again.audiences).toEqual(first.audiences);
    expect(await admin(COUNTS)).toEqual(before);
  });

  it('leaves no failed or skipped run', async () => {
    expect((await runs()).filter((r) => r.status !== 'succeeded')).toEqual([]);
  });

  it('prints a tour with the URLs, the keys and queries to try', async () => {
    const res = await run(process.execPath, [BIN, 'demo'], {
      ...env,
      NODE_OPTIONS: '',
      TRAITBASE_FROM_SOURCE: '1',
      TRAITBASE_URL: url,
    });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`ops UI     ${url}/`);
    expect(res.stdout).toContain(first.keys.admin);
    expect(res.stdout).toContain(first.keys.game);
    expect(res.stdout).toContain('already loaded (nothing added)');
  });

  describe('every README example, against the demo data', () => {
    const examples = readmeExamples(ROOT);

    it('finds examples for each persona', () => {
      expect(examples.filter((e) => e.kind === 'graphql').length).toBeGreaterThanOrEqual(4);
    });

    it.each(examples.map((e) => [`README.md:${e.line} (${e.kind})`, e] as const))(
      '%s',
      async (_, example) => {
        const key = first.keys[example.key];
        if (example.kind === 'graphql') {
          const res = await fetch(`${url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
            body: JSON.stringify({ query: example.code }),
          });
          const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown };
          expect(body.errors).toBeUndefined();
          expect(res.status).toBe(200);
          // Every field the example asks for has a value on the demo data (a run's error aside).
          const nulls: string[] = [];
          const walk = (v: unknown, path: string): void => {
            if (v === null) nulls.push(path);
            else if (typeof v === 'object')
              for (const [k, x] of Object.entries(v)) walk(x, `${path}/${k}`);
          };
          walk(body.data, '');
          expect(nulls.filter((p) => !p.endsWith('/error'))).toEqual([]);
          return;
        }
        const code = example.code
          .replaceAll('http://localhost:3000', url)
          .replaceAll('localhost:3000', url);
        const res = await run('/bin/bash', ['-euo', 'pipefail', '-c', code], {
          ...env,
          NODE_OPTIONS: '',
          TRAITBASE_FROM_SOURCE: '1',
          TRAITBASE_URL: url,
          ADMIN: first.keys.admin,
          GAME: first.keys.game,
        });
        expect(res.stderr).not.toMatch(/"errors"|error:/i);
        expect(res.code).toBe(0);
      },
    );
  });
});
