import type { TraitSpec } from '../src/trait-definitions/trait-spec';
import { insertTraitDefinitions, traitSpec } from './factories/trait-definition.factory';
import { createWarehouse, RunRow, waitForRun, Warehouse } from './utils/dbt-helpers';
import { gql } from './utils/graphql-request';
import { ServerProcess, startWorkerProcess } from './utils/server-process';
import { count, sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';

// The figure is 500,000 rows; at the throughput of a shared 2-core machine that takes
// minutes, so the default is smaller. DBT_CRASH_ROWS=500000 runs the full size (docs/dbt.md).
const ROWS = Number(process.env.DBT_CRASH_ROWS ?? 40_000);
const MODEL = 'model.game.scores';

jest.setTimeout(Math.max(120_000, ROWS * 2));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('dbt sync: a worker killed (SIGKILL) mid-sync, then restarted', () => {
  let t: TestApp;
  let wh: Warehouse;
  let worker: ServerProcess | undefined;
  const q = (text: string, params: unknown[]) => sql(t, text, params);

  const startWorker = () => startWorkerProcess(t.db);

  async function progressOf(runId: string): Promise<number> {
    const [run] = await sql<{ rows_read: number }>(t, 'SELECT rows_read FROM run WHERE id = $1', [
      runId,
    ]);
    return run?.rows_read ?? 0;
  }

  beforeAll(async () => {
    // This process serves the API only: every sync runs in the worker child.
    t = await startTestApp({ role: 'api' });
    wh = await createWarehouse();
    await wh.query(
      `CREATE TABLE ${wh.schema}.scores (user_id text, score float8, tier int, updated_at timestamptz)`,
    );
    // Four rows share each cursor value, so a batch boundary often falls inside a shared value.
    await wh.query(`
      INSERT INTO ${wh.schema}.scores
      SELECT 'u' || i, (i::bigint * 7919 % 1000) / 10.0, i % 5, timestamptz '2024-03-01T00:00:00Z' + (i / 4) * interval '1 second'
      FROM generate_series(1, ${ROWS}) i`);
    const source = {
      kind: 'dbt',
      model: MODEL,
      relation: `${wh.schema}.scores`,
      cursor: 'updated_at',
      identities: [{ column: 'user_id', type: 'user_id' }],
    } as TraitSpec['source'];
    await insertTraitDefinitions(t.db.url, t.db.schema, [
      traitSpec({ name: 'score', type: 'number', column: 'score', source }),
      traitSpec({ name: 'tier', type: 'number', column: 'tier', source }),
    ]);
  });

  afterAll(async () => {
    await worker?.stop();
    await t?.close();
    await wh?.close();
  });

  it('resumes from the last committed batch: the final state equals an uninterrupted run, no duplicate revisions', async () => {
    worker = await startWorker();
    const started = new Date();
    const res = await gql(
      t.url,
      `mutation { triggerDbtSync(model: "${MODEL}") { jobId } }`,
      {},
      t.adminKey,
    );
    expect(res.errors).toBeUndefined();

    // Kill the worker once a few batches have committed, well before the end.
    let running: RunRow | undefined;
    const deadline = Date.now() + Math.max(60_000, ROWS);
    while (!running || running.rows_read < ROWS / 5) {
      [running] = await sql<RunRow>(t, `SELECT * FROM run WHERE source = $1 AND started_at >= $2`, [
        MODEL,
        started,
      ]);
      if (running && running.status !== 'running')
        throw new Error(`the run ended before the kill: ${running.error}`);
      if (Date.now() > deadline) throw new Error('the sync made no progress');
      await sleep(20);
    }
    worker.child.kill('SIGKILL');
    await worker.exited;
    const committed = await progressOf(running.id);
    const [interrupted] = await sql<RunRow>(t, 'SELECT * FROM run WHERE id = $1', [running.id]);
    expect(interrupted.status).toBe('running');
    expect(committed).toBeLessThan(ROWS);
    const partial = await count(t, 'SELECT count(*) AS n FROM trait_value');
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(ROWS * 2);

    // A new worker picks the stalled job up again and resumes the full refresh where it stopped.
    const killedAt = new Date();
    worker = await startWorker();
    const resumed = await waitForRun(q, MODEL, killedAt, Math.max(90_000, ROWS));
    expect(resumed).toMatchObject({ status: 'succeeded', rows_rejected: 0 });
    expect(resumed.metadata).toMatchObject({ mode: 'full', resumed: true });
    expect(resumed.rows_read).toBeLessThan(ROWS - committed + 20_000);
    const [closed] = await sql<RunRow>(t, 'SELECT * FROM run WHERE id = $1', [running.id]);
    expect(closed).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^interrupted/),
    });

    // Same state as one uninterrupted run: every row's values, one revision each, nothing twice.
    expect(await count(t, 'SELECT count(*) AS n FROM trait_value')).toBe(ROWS * 2);
    expect(await count(t, 'SELECT count(*) AS n FROM trait_revision')).toBe(ROWS * 2);
    expect(
      await count(
        t,
        `SELECT count(*) AS n FROM (SELECT 1 FROM trait_revision GROUP BY profile_id, trait_id, valid_from HAVING count(*) > 1) d`,
      ),
    ).toBe(0);
    const mismatches = await wh.query(
      `SELECT count(*) AS n FROM ${wh.schema}.scores s
       LEFT JOIN ${t.db.schema}.identity i ON i.type = 'user_id' AND i.value = s.user_id
       LEFT JOIN ${t.db.schema}.trait_value sv ON sv.profile_id = i.profile_id
         AND sv.trait_id = (SELECT id FROM ${t.db.schema}.trait_definition WHERE name = 'score')
       LEFT JOIN ${t.db.schema}.trait_value tv ON tv.profile_id = i.profile_id
         AND tv.trait_id = (SELECT id FROM ${t.db.schema}.trait_definition WHERE name = 'tier')
       WHERE sv.value IS DISTINCT FROM to_jsonb(s.score) OR tv.value IS DISTINCT FROM to_jsonb(s.tier)
          OR sv.valid_from IS DISTINCT FROM s.updated_at`,
    );
    expect(Number(mismatches[0].n)).toBe(0);
    const [state] = await sql<{ high_water_mark: { value: string }; refresh_id: string | null }>(
      t,
      'SELECT high_water_mark, refresh_id FROM dbt_sync_state WHERE source = $1',
      [MODEL],
    );
    expect(state.refresh_id).toBeNull();
    expect(new Date(state.high_water_mark.value).getTime()).toBe(
      Date.parse('2024-03-01T00:00:00Z') + Math.floor(ROWS / 4) * 1000,
    );

    // And the next run writes nothing.
    const after = new Date();
    await gql(t.url, `mutation { triggerDbtSync(model: "${MODEL}") { jobId } }`, {}, t.adminKey);
    expect(await waitForRun(q, MODEL, after)).toMatchObject({
      status: 'succeeded',
      rows_changed: 0,
    });
  });
});
