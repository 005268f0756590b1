import type { TraitSpec } from '../src/trait-definitions/trait-spec';
import { insertTraitDefinitions, traitSpec } from './factories/trait-definition.factory';
import { createWarehouse, RunRow, waitForRun, Warehouse } from './utils/dbt-helpers';
import { gql } from './utils/graphql-request';
import { count, sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';

const ROWS = Number(process.env.DBT_SYNC_ROWS ?? 100_000);
const PLAYERS = 'model.game.players';

function dbtTraits(source: Record<string, unknown>, traits: Partial<TraitSpec>[]): TraitSpec[] {
  return traits.map((t) => traitSpec({ ...t, source: { kind: 'dbt', ...source } }));
}

// Jest reads testTimeout from the root config only; these files boot the app and move real data.
jest.setTimeout(180_000);

describe('dbt sync: incremental, full refresh, absent rows, failures', () => {
  let t: TestApp;
  let wh: Warehouse;
  const q = (text: string, params: unknown[]) => sql(t, text, params);

  async function syncNow(model: string, fullRefresh = false): Promise<RunRow> {
    const started = new Date();
    const res = await gql<{ triggerDbtSync: { source: string } }>(
      t.url,
      `mutation($m: String!, $f: Boolean!) { triggerDbtSync(model: $m, fullRefresh: $f) { source jobId } }`,
      { m: model, f: fullRefresh },
      t.adminKey,
    );
    expect(res.errors).toBeUndefined();
    return waitForRun(q, res.data!.triggerDbtSync.source, started, 170_000);
  }

  beforeAll(async () => {
    process.env.WAREHOUSE_URL_OFFLINE = 'postgres://postgres@127.0.0.1:1/nowhere';
    t = await startTestApp();
    wh = await createWarehouse();
    await wh.query(`
      CREATE TABLE ${wh.schema}.players (
        player_id bigint, email text, ltv numeric(12,2), level int, vip boolean, updated_at timestamptz)`);
    await wh.query(`
      INSERT INTO ${wh.schema}.players
      SELECT i, CASE WHEN i % 3 = 0 THEN 'P' || i || '@Example.com' END, round(i * 0.37, 2), i % 60, i % 11 = 0,
             timestamptz '2024-01-01T00:00:00Z' + (i / 4) * interval '1 second'
      FROM generate_series(1, ${ROWS}) i`);
    await wh.query(
      `CREATE TABLE ${wh.schema}.segments (user_id text, segment text, updated_at timestamptz)`,
    );
    await wh.query(
      `INSERT INTO ${wh.schema}.segments SELECT 'u' || i, 'gold', timestamptz '2024-05-01T00:00:00Z' + i * interval '1 hour' FROM generate_series(1, 20) i`,
    );
    await wh.query(
      `CREATE TABLE ${wh.schema}.typed (user_id text, score text, updated_at timestamptz)`,
    );
    await insertTraitDefinitions(t.db.url, t.db.schema, [
      ...dbtTraits(
        {
          model: PLAYERS,
          relation: `${wh.schema}.players`,
          cursor: 'updated_at',
          identities: [
            { column: 'player_id', type: 'user_id' },
            { column: 'email', type: 'email' },
          ],
        },
        [
          { name: 'ltv', type: 'number', column: 'ltv' },
          { name: 'level', type: 'number', column: 'level' },
          { name: 'vip', type: 'boolean', column: 'vip' },
        ],
      ),
      ...dbtTraits(
        {
          model: 'model.game.segments',
          relation: `${wh.schema}.segments`,
          cursor: 'updated_at',
          absent: 'clear',
          identities: [{ column: 'user_id', type: 'user_id' }],
        },
        [{ name: 'segment', type: 'string', column: 'segment' }],
      ),
      ...dbtTraits(
        {
          model: 'model.game.missing',
          relation: `${wh.schema}.nothing_here`,
          identities: [{ column: 'id', type: 'user_id' }],
        },
        [{ name: 'missing_trait', type: 'number' }],
      ),
      ...dbtTraits(
        {
          model: 'model.game.typed',
          relation: `${wh.schema}.typed`,
          cursor: 'updated_at',
          identities: [{ column: 'user_id', type: 'user_id' }],
        },
        [
          { name: 'typed_score', type: 'number', column: 'score' },
          { name: 'typed_gone', type: 'number', column: 'gone' },
        ],
      ),
      ...dbtTraits(
        {
          model: 'model.game.offline',
          relation: 'public.x',
          warehouse: 'offline',
          identities: [{ column: 'id', type: 'user_id' }],
        },
        [{ name: 'offline_trait', type: 'number' }],
      ),
    ]);
  });

  afterAll(async () => {
    await t?.close();
    await wh?.close();
    delete process.env.WAREHOUSE_URL_OFFLINE;
  });

  it(`first run reads all ${ROWS} rows (full), writing each trait value once`, async () => {
    const run = await syncNow(PLAYERS);
    expect(run).toMatchObject({
      status: 'succeeded',
      error: null,
      rows_read: ROWS,
      rows_rejected: 0,
    });
    expect(run.metadata).toMatchObject({ mode: 'full', trigger: 'manual' });
    // ltv, level and vip for every row (0 and false are values too).
    const values = await count(t, `SELECT count(*) AS n FROM trait_value`);
    expect(run.rows_changed).toBe(values);
    expect(values).toBe(ROWS * 3);
    expect(run.high_water_mark).toEqual({
      column: 'updated_at',
      value: expect.stringMatching(/^2024-01-0\dT.*Z$/),
    });
    // Rows with an email were observed with both identities: the email joined the player's profile.
    expect(await count(t, `SELECT count(*) AS n FROM identity WHERE type = 'email'`)).toBe(
      Math.floor(ROWS / 3),
    );
    const [linked] = await sql<{ n: string }>(
      t,
      `SELECT count(*) AS n FROM identity a JOIN identity b ON a.profile_id = b.profile_id
       WHERE a.type = 'user_id' AND a.value = '3' AND b.type = 'email' AND b.value = 'p3@example.com'`,
    );
    expect(linked.n).toBe('1');
  });

  it('1,000 rows updated with a newer cursor: the next run reads about 1,000 rows and writes 1,000 revisions', async () => {
    await wh.query(
      `UPDATE ${wh.schema}.players SET ltv = ltv + 1, updated_at = timestamptz '2025-01-01T00:00:00Z' + player_id * interval '1 ms' WHERE player_id % ${ROWS / 1000} = 0`,
    );
    const run = await syncNow(PLAYERS);
    expect(run.metadata).toMatchObject({ mode: 'incremental' });
    expect(run.rows_read).toBeGreaterThanOrEqual(1000);
    expect(run.rows_read).toBeLessThanOrEqual(1010);
    expect(run).toMatchObject({ status: 'succeeded', rows_changed: 1000 });
    const [player] = await sql<{ value: number; valid_from: Date }>(
      t,
      `SELECT tv.value, tv.valid_from FROM trait_value tv JOIN identity i ON i.profile_id = tv.profile_id
       JOIN trait_definition d ON d.id = tv.trait_id WHERE i.type = 'user_id' AND i.value = $1 AND d.name = 'ltv'`,
      [String(ROWS)],
    );
    expect(player.value).toBeCloseTo(Math.round(ROWS * 37) / 100 + 1, 2);
    // observedAt is the row's cursor value.
    expect(player.valid_from.toISOString()).toBe(
      new Date(Date.parse('2025-01-01T00:00:00Z') + ROWS).toISOString(),
    );
  });

  it('another run writes 0 revisions (only the rows sharing the high-water mark are read again)', async () => {
    const run = await syncNow(PLAYERS);
    expect(run).toMatchObject({ status: 'succeeded', rows_changed: 0 });
    expect(run.rows_read).toBeLessThanOrEqual(1);
  });

  it('a full refresh on demand re-reads everything and changes nothing', async () => {
    expect(await syncNow('model.game.segments')).toMatchObject({
      status: 'succeeded',
      rows_read: 20,
      rows_changed: 20,
    });
    expect(await syncNow('model.game.segments')).toMatchObject({
      status: 'succeeded',
      rows_read: 1,
      rows_changed: 0,
    });
    const run = await syncNow('model.game.segments', true);
    expect(run).toMatchObject({
      status: 'succeeded',
      rows_read: 20,
      rows_changed: 0,
      rows_unchanged: 20,
    });
    expect(run.metadata).toMatchObject({ mode: 'full', fullRefreshRequested: true });
  });

  it('absent: clear — rows gone clear their value at the next full refresh; other rows stay', async () => {
    await wh.query(`DELETE FROM ${wh.schema}.segments WHERE user_id IN ('u1', 'u2', 'u3')`);
    expect(await syncNow('model.game.segments')).toMatchObject({
      status: 'succeeded',
      rows_changed: 0,
    });
    const run = await syncNow('model.game.segments', true);
    expect(run).toMatchObject({ status: 'succeeded', rows_read: 17, rows_changed: 3 });
    const values = await sql<{ value: unknown; n: string }>(
      t,
      `SELECT tv.value, count(*) AS n FROM trait_value tv JOIN trait_definition d ON d.id = tv.trait_id
       WHERE d.name = 'segment' GROUP BY tv.value ORDER BY n`,
    );
    expect(values).toEqual([
      { value: null, n: '3' },
      { value: 'gold', n: '17' },
    ]);
    expect(await count(t, 'SELECT count(*) AS n FROM dbt_refresh_seen')).toBe(0);
    // Another refresh clears nothing more.
    expect(await syncNow('model.game.segments', true)).toMatchObject({
      status: 'succeeded',
      rows_changed: 0,
    });
  });

  it('fails clearly when the relation is missing', async () => {
    const run = await syncNow('model.game.missing');
    expect(run).toMatchObject({
      status: 'failed',
      error: `relation ${wh.schema}.nothing_here does not exist in the warehouse`,
    });
  });

  it('fails clearly, naming every problem, when a column is missing or its type does not fit', async () => {
    const run = await syncNow('model.game.typed');
    expect(run.status).toBe('failed');
    expect(run.error).toBe(
      `column gone (trait typed_gone) is missing from ${wh.schema}.typed; ` +
        'trait typed_score: column score is text, which does not fit a number trait',
    );
  });

  it('fails with a retryable error when the warehouse is unreachable', async () => {
    const run = await syncNow('model.game.offline');
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^warehouse unreachable \(127\.0\.0\.1:1\): .*ECONNREFUSED/);
  });

  it('GraphQL runs(source, limit) shows status, counts, timings, high-water mark and error', async () => {
    const res = await gql<{ runs: Record<string, unknown>[] }>(
      t.url,
      `query($s: String) { runs(source: $s, limit: 2) {
         status counts { read changed unchanged rejected } rejectedSample { trait reason }
         highWaterMark error startedAt finishedAt durationMs metadata } }`,
      { s: PLAYERS },
      t.adminKey,
    );
    expect(res.data?.runs).toHaveLength(2);
    expect(res.data?.runs[0]).toMatchObject({
      status: 'succeeded',
      counts: { read: 1, changed: 0, unchanged: 3, rejected: 0 },
      highWaterMark: { column: 'updated_at' },
      error: null,
      durationMs: expect.any(Number),
    });
    const bad = await gql(t.url, `{ runs(limit: 500) { id } }`, {}, t.adminKey);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
