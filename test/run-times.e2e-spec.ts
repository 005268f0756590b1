import { randomUUID } from 'node:crypto';
import { RunTally } from '../src/runs/run-tally';
import { RunsService, WholeRun } from '../src/runs/runs.service';
import { save, user, writeTraits } from './audiences/audience-helpers';
import {
  insertTraitDefinitions,
  traitSpec,
  uniqueName,
} from './factories/trait-definition.factory';
import { gql } from './utils/graphql-request';
import { createKey } from './utils/keys';
import { sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';
import { waitFor } from './utils/wait';

interface RunTimes {
  id: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

const RUNS = `query($source: String!) { runs(source: $source, limit: 10) {
  id status startedAt finishedAt durationMs } }`;

// Only Date is faked: the app's clock runs `offsetMs` away from the database's, as with a
// database on another host or in a VM; timers, I/O and the database's clock are untouched.
function appClockOff(offsetMs: number): void {
  jest.useFakeTimers({
    now: Date.now() + offsetMs,
    advanceTimers: true,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

// A run's start and finish both come from the database's clock, so its duration is never
// negative (the runs page once showed "-21 ms") and never grows by the app's clock skew.
describe("a run's finish is never before its start", () => {
  let t: TestApp;
  let runs: RunsService;
  let writer: string;
  const spend = uniqueName('spend');

  beforeAll(async () => {
    t = await startTestApp();
    runs = t.app.get(RunsService);
    await insertTraitDefinitions(t.db.url, t.db.schema, [
      traitSpec({ name: spend, type: 'number' }),
    ]);
    writer = await createKey(t, 'audience:write');
  });
  afterEach(() => jest.useRealTimers());
  afterAll(() => t.close());

  const runsOf = async (source: string): Promise<RunTimes[]> => {
    const res = await gql<{ runs: RunTimes[] }>(t.url, RUNS, { source }, t.adminKey);
    expect(res.errors).toBeUndefined();
    return res.data!.runs;
  };

  // Every way a run ends: finish (full audience evaluations, pushed predictions), complete
  // (notebooks), end (dbt syncs, deliveries), skipped, recorded whole (API writes), and an
  // interrupted run closed by the next one.
  const everyEnding = async (source: string): Promise<void> => {
    await runs.finish(await runs.start('api', source), []);
    await runs.finish(await runs.start('api', source), [], 'boom');
    const tally = Object.assign(new RunTally(), { read: 3, changed: 2, unchanged: 1 });
    await runs.complete(await runs.start('api', source, { mode: 'test' }), tally);
    await runs.skipped('api', source, 'its model failed', {});
    const whole = (): WholeRun => ({ id: randomUUID(), sourceKind: 'api', source, metadata: {} });
    await runs.recordWhole(whole(), { results: [] });
    await runs.recordWhole(whole(), { results: [], error: 'boom' });
    await runs.startExclusive('api', source, {}); // left running: the next one closes it
    await runs.end(await runs.startExclusive('api', source, {}), null);
  };

  it.each([
    ['a minute behind', -60_000],
    ['a minute ahead of', 60_000],
  ])('times runs by the database when the app clock is %s it', async (_, offsetMs) => {
    const source = uniqueName('clock');
    appClockOff(offsetMs);
    await everyEnding(source);
    jest.useRealTimers();

    const rows = await sql<{ status: string; ms: number }>(
      t,
      `SELECT status, (extract(epoch FROM finished_at - started_at) * 1000)::float8 AS ms
       FROM run WHERE source = $1`,
      [source],
    );
    expect(rows.map((r) => r.status).sort()).toEqual([
      'failed',
      'failed',
      'failed',
      'skipped',
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    for (const r of rows) {
      expect(r.ms).toBeGreaterThanOrEqual(0);
      expect(r.ms).toBeLessThan(5_000);
    }
    const api = await runsOf(source);
    expect(api).toHaveLength(8);
    for (const r of api) {
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
      expect(r.durationMs).toBeLessThan(5_000);
      expect(Date.parse(r.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(r.startedAt));
    }
  });

  it('keeps what progress and the entity say when a run completes', async () => {
    const source = uniqueName('complete');
    const run = await runs.start('api', source, { trigger: 'test' });
    const tally = Object.assign(new RunTally(), { read: 5, changed: 4 });
    await runs.progress(run.id, tally, { cursor: 7 }, { batches: 2 });
    run.metadata = { ...run.metadata, rows: 5 };
    const done = await runs.complete(run, tally);
    expect(done).toMatchObject({
      status: 'succeeded',
      metadata: { trigger: 'test', batches: 2, rows: 5 },
      highWaterMark: { cursor: 7 },
    });
    expect(done.finishedAt!.getTime()).toBeGreaterThanOrEqual(done.startedAt.getTime());
    const [row] = await sql<{ rows_read: number; metadata: unknown; high_water_mark: unknown }>(
      t,
      'SELECT rows_read, metadata, high_water_mark FROM run WHERE id = $1',
      [run.id],
    );
    expect(row).toEqual({
      rows_read: 5,
      metadata: { trigger: 'test', batches: 2, rows: 5 },
      high_water_mark: { cursor: 7 },
    });
  });

  // The incremental run is created outside the change consumer's transaction, which began
  // earlier; its finish must not be that transaction's start.
  it('times an incremental audience run from its first batch to its last', async () => {
    const slug = uniqueName('spenders');
    const id = user();
    await writeTraits(t, id, { [spend]: 1 });
    const saved = await save(t, writer, {
      slug,
      name: 'Spenders',
      rule: { trait: spend, op: 'gte', value: 100 },
    });
    expect(saved.errors).toBeUndefined();
    await writeTraits(t, id, { [spend]: 150 });
    const run = await waitFor(
      'the incremental run',
      async () => {
        const [r] = await sql<{ id: string; started_at: Date; finished_at: Date }>(
          t,
          `SELECT id, started_at, finished_at FROM run WHERE source = $1
             AND metadata->>'mode' = 'incremental' AND rows_changed > 0`,
          [slug],
        );
        return r;
      },
      { timeoutMs: 30_000, everyMs: 50 },
    );
    expect(run.finished_at.getTime()).toBeGreaterThanOrEqual(run.started_at.getTime());
    const [exact] = await sql<{ ok: boolean }>(
      t,
      'SELECT finished_at >= started_at AS ok FROM run WHERE id = $1',
      [run.id],
    );
    expect(exact.ok).toBe(true);
    const api = (await runsOf(slug)).find((r) => r.id === run.id);
    expect(api?.durationMs).toBeGreaterThanOrEqual(0);
  });
});
