import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insertTraitDefinitions, traitSpec } from './factories/trait-definition.factory';
import { dbtFixture } from './fixtures/dbt-fixtures';
import { createWarehouse, waitForRun, Warehouse } from './utils/dbt-helpers';
import { TEST_REDIS_URL } from './utils/env';
import { count, sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';

// Every case starts the real CLI (a few seconds each from the TypeScript sources).
jest.setTimeout(60_000);

type Json = Record<string, any>;

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'traitbase.js');
const MODEL = 'model.jaffle_shop.customers';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe('traitbase dbt import | notify | sync', () => {
  let t: TestApp;
  let wh: Warehouse;
  let dir: string;
  const q = (text: string, params: unknown[]) => sql(t, text, params);

  function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
    return new Promise((done) => {
      execFile(
        process.execPath,
        [BIN, ...args],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            NODE_OPTIONS: '',
            TRAITBASE_FROM_SOURCE: '1',
            DATABASE_URL: t.db.url,
            DATABASE_SCHEMA: t.db.schema,
            REDIS_URL: TEST_REDIS_URL,
            ...env,
          },
          timeout: 60_000,
        },
        (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  async function writeJson(name: string, doc: unknown): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, JSON.stringify(doc));
    return path;
  }

  beforeAll(async () => {
    t = await startTestApp();
    wh = await createWarehouse();
    dir = await mkdtemp(join(tmpdir(), 'traitbase-dbt-'));
    await wh.query(`
      CREATE TABLE ${wh.schema}.customers (customer_id int, number_of_orders bigint, customer_lifetime_value numeric, updated_at timestamptz)`);
    await wh.query(`
      INSERT INTO ${wh.schema}.customers
      SELECT i, i % 4, i * 10, timestamptz '2024-02-01T00:00:00Z' + i * interval '1 minute' FROM generate_series(1, 30) i`);
  });

  afterAll(async () => {
    await t?.close();
    await wh?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('dbt import registers the traits of a manifest copy with meta.traitbase', async () => {
    const m = dbtFixture<Json>('jaffle_shop.manifest.json');
    const node = m.nodes[MODEL];
    node.config.meta = {
      traitbase: {
        relation: `${wh.schema}.customers`,
        identities: [{ column: 'customer_id', type: 'user_id' }],
        cursor: 'updated_at',
      },
    };
    node.columns.number_of_orders.meta.traitbase = { trait: 'order_count', type: 'number' };
    node.columns.customer_lifetime_value.meta.traitbase = { trait: 'clv', type: 'number' };
    const path = await writeJson('manifest.json', m);

    const dry = await cli(['dbt', 'import', path, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Plan dbt manifest v12 \(dbt 1\.9\.0\), 1 model\(s\) with traits:/);
    expect(await count(t, `SELECT count(*) AS n FROM trait_definition WHERE origin = 'dbt'`)).toBe(
      0,
    );

    const res = await cli(['dbt', 'import', path]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('+ order_count (number, dbt)');
    const defs = await sql<{ name: string; description: string | null }>(
      t,
      `SELECT name, spec->>'description' AS description FROM trait_definition WHERE origin = 'dbt' ORDER BY name`,
    );
    expect(defs).toEqual([
      { name: 'clv', description: null },
      { name: 'order_count', description: 'Count of the number of orders a customer has placed' },
    ]);
  });

  it('dbt import refuses an unknown manifest version, naming the field (exit 1)', async () => {
    const m = dbtFixture<Json>('jaffle_shop.manifest.json');
    m.metadata.dbt_schema_version = 'https://schemas.getdbt.com/dbt/manifest/v13.json';
    const res = await cli(['dbt', 'import', await writeJson('v13.json', m)]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      'metadata.dbt_schema_version: manifest v13 is not supported (supported: v7–v12)',
    );
    expect((await cli(['dbt', 'import', join(dir, 'nope.json')])).code).toBe(1);
    expect((await cli(['dbt', 'import'])).code).toBe(2);
  });

  it('dbt import refuses a model that a YAML file also declares differently, naming both (exit 1)', async () => {
    await insertTraitDefinitions(t.db.url, t.db.schema, [
      traitSpec({
        name: 'yaml_order_total',
        type: 'number',
        source: {
          kind: 'dbt',
          file: 'customers.yaml',
          model: 'customers', // by name: the manifest resolves it
          relation: `${wh.schema}.customers`,
          identities: [{ column: 'customer_id', type: 'user_id' }],
          cursor: 'customer_lifetime_value',
        },
      }),
    ]);
    const before = await count(t, 'SELECT count(*) AS n FROM trait_definition_version');
    const m = dbtFixture<Json>('jaffle_shop.manifest.json');
    m.nodes[MODEL].config.meta = {
      traitbase: {
        relation: `${wh.schema}.customers`,
        identities: [{ column: 'customer_id', type: 'user_id' }],
        cursor: 'updated_at',
      },
    };
    m.nodes[MODEL].columns.number_of_orders.meta.traitbase = {
      trait: 'order_count',
      type: 'number',
    };
    try {
      const res = await cli(['dbt', 'import', await writeJson('overlap.json', m)]);
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(
        `model ${MODEL} is declared differently in customers.yaml (trait yaml_order_total) and in the manifest at nodes["${MODEL}"].meta.traitbase: cursor\n`,
      );
      expect(await count(t, 'SELECT count(*) AS n FROM trait_definition_version')).toBe(before);
    } finally {
      await q(`UPDATE trait_definition SET retired_at = now() WHERE name = 'yaml_order_total'`, []);
    }
  });

  it('dbt notify with the fixture run_results syncs the model (worker of the running server)', async () => {
    const started = new Date();
    const path = await writeJson('run_results.json', dbtFixture('jaffle_shop.run_results.json'));
    const res = await cli(['dbt', 'notify', path]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      `dbt invocation cfbc1db9-66c1-46c2-a94b-8c0cef32314f: 1 sync(s) queued, 0 skipped`,
    );
    const run = await waitForRun(q, MODEL, started);
    expect(run).toMatchObject({ status: 'succeeded', rows_read: 30, rows_changed: 60 });
  });

  it('dbt notify --url goes through POST /v1/dbt/runs; an errored model is skipped with the reason', async () => {
    const rr = dbtFixture<Json>('jaffle_shop.run_results.json');
    rr.metadata.invocation_id = '0d0e4c1e-2f47-4c55-9d2b-000000000abc';
    Object.assign(
      rr.results.find((r: Json) => r.unique_id === MODEL),
      { status: 'error', message: 'relation missing' },
    );
    const res = await cli([
      'dbt',
      'notify',
      await writeJson('rr-error.json', rr),
      '--url',
      t.url,
      '--key',
      t.adminKey,
      '--json',
    ]);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      invocationId: rr.metadata.invocation_id,
      queued: [],
      skipped: [{ source: MODEL, reason: 'dbt error: relation missing' }],
    });
    const bad = await cli([
      'dbt',
      'notify',
      await writeJson('rr-error2.json', rr),
      '--url',
      t.url,
      '--key',
      'tb_nope',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('401');
  });

  it('dbt sync --full-refresh --wait prints the finished run', async () => {
    const res = await cli(['dbt', 'sync', MODEL, '--full-refresh', '--wait']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      status: 'succeeded',
      rows_read: 30,
      rows_changed: 0,
    });
    const unknown = await cli(['dbt', 'sync', 'model.nope.nothing']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      'model: no active dbt trait definition reads model.nope.nothing',
    );
  });

  it('run <trait> --wait shows progress and prints the finished run; unknown sources exit 1', async () => {
    const res = await cli(['run', 'order_count', '--wait', '--timeout', '2m']);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(new RegExp(`^queued dbt ${MODEL} \\(job `));
    expect(res.stdout).toMatch(
      new RegExp(
        `^dbt ${MODEL}: succeeded in [0-9.]+s \\(run [0-9a-f-]+\\): \\d+ read, 0 changed, \\d+ unchanged, 0 rejected\\n$`,
      ),
    );
    const byName = await cli(['run', 'customers', '--json']);
    expect(byName).toMatchObject({ code: 0, stdout: '' });
    const unknown = await cli(['run', 'nothing_here']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('source: nothing_here is no dbt, notebook, audience source');
    expect((await cli(['run', 'customers', '--wait', '--timeout', 'soon'])).code).toBe(2);
  });
});
