import { gql } from './utils/graphql-request';
import { sql } from './utils/sql';
import { MODEL_VERSION, NOTEBOOK, startUiWorld, UiWorld } from './utils/ui-world';
import { ensureWebBuilt } from './utils/web-build';

jest.setTimeout(120_000);

const TRAIT = `query($name: String!, $admin: Boolean!) {
  traitDefinition(name: $name) {
    name
    dbtModel { model uniqueId relation dependsOn importedAt }
    notebook { path modelVersion runId rows }
    lastRun @include(if: $admin) { sourceKind source status counts { read changed rejected } }
    distribution { values sampled other buckets { value from to count } }
  }
}`;

describe('catalogue fields and the web UI assets', () => {
  let w: UiWorld;

  beforeAll(async () => {
    await ensureWebBuilt();
    w = await startUiWorld();
  });

  afterAll(async () => {
    await w?.close();
  });

  const trait = (name: string, key: string, admin = false) =>
    gql<any>(w.t.url, TRAIT, { name, admin }, key);

  it('viewer names the key and its scopes, implied ones included', async () => {
    const viewer = async (key: string) =>
      await gql<any>(w.t.url, '{ viewer { name scopes } }', {}, key);
    expect((await viewer(w.keys.read)).data.viewer).toEqual({
      name: 'test-profile:read',
      scopes: ['profile:read'],
    });
    expect((await viewer(w.keys.pii)).data.viewer.scopes).toEqual([
      'profile:read',
      'profile:read:pii',
    ]);
    expect((await viewer(w.keys.admin)).data.viewer.scopes).toEqual([
      'ingest',
      'traits:write',
      'profile:read',
      'profile:read:pii',
      'audience:write',
      'admin',
    ]);
    const ingest = await viewer(w.keys.ingest);
    expect(ingest.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await viewer('tb_nope')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('distribution counts top values of a category and ranges of a number', async () => {
    const tier = (await trait('vip_tier', w.keys.read)).data.traitDefinition.distribution;
    expect(tier).toEqual({
      values: 12,
      sampled: false,
      other: 0,
      buckets: [
        { value: 'gold', from: null, to: null, count: 5 },
        { value: 'silver', from: null, to: null, count: 4 },
        { value: 'bronze', from: null, to: null, count: 3 },
      ],
    });
    const coins = (await trait('coins', w.keys.read)).data.traitDefinition.distribution;
    expect(coins.values).toBe(12);
    expect(coins.buckets).toHaveLength(10);
    expect(coins.buckets[0]).toEqual({ value: null, from: 80, to: 171, count: 3 });
    expect(coins.buckets.at(-1)).toMatchObject({ to: 990, count: 1 });
    expect(coins.buckets.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(12);
  });

  it('distribution of a timestamp trait spans its first and last value', async () => {
    const first = (await trait('first_order_at', w.keys.read)).data.traitDefinition.distribution;
    expect(first.values).toBe(60);
    expect(first.buckets[0].from).toBe('2018-01-02T00:00:00.000Z');
    expect(first.buckets.at(-1).to).toBe('2018-03-02T00:00:00.000Z');
  });

  it('a PII trait has no distribution without profile:read:pii', async () => {
    expect(
      (await trait('contact_phone', w.keys.read)).data.traitDefinition.distribution,
    ).toBeNull();
    const pii = (await trait('contact_phone', w.keys.pii)).data.traitDefinition.distribution;
    expect(pii).toMatchObject({ values: 1, buckets: [{ value: w.phone, count: 1 }] });
  });

  it('a dbt trait shows its model, lineage and last run', async () => {
    const res = await trait('lifetime_value', w.keys.admin, true);
    expect(res.errors).toBeUndefined();
    const def = res.data.traitDefinition;
    expect(def.dbtModel).toMatchObject({
      model: 'model.jaffle_shop.customers',
      uniqueId: 'model.jaffle_shop.customers',
      dependsOn: expect.arrayContaining([
        'model.jaffle_shop.stg_customers',
        'model.jaffle_shop.stg_orders',
      ]),
    });
    expect(def.dbtModel.importedAt).toEqual(expect.any(String));
    expect(def.notebook).toBeNull();
    expect(def.lastRun).toMatchObject({
      sourceKind: 'dbt',
      status: 'succeeded',
      counts: { read: 60, rejected: 0 },
    });
  });

  it('a notebook trait shows its notebook, model version and last run', async () => {
    const def = (await trait('churn_risk', w.keys.admin, true)).data.traitDefinition;
    expect(def.notebook).toEqual({
      path: NOTEBOOK,
      modelVersion: MODEL_VERSION,
      runId: 'nb-2025-01',
      rows: 12,
    });
    expect(def.dbtModel).toBeNull();
    expect(def.lastRun).toMatchObject({
      sourceKind: 'notebook',
      source: NOTEBOOK,
      status: 'succeeded',
    });
  });

  it('lastRunWithWork passes over idle incremental runs and counts them; a failure is never passed over', async () => {
    const SUMMARY = `query($name: String!) { traitDefinition(name: $name) {
      lastRun { id } lastRunWithWork { run { id status counts { read } } idleRunsSince lastIdleRunAt } } }`;
    const summary = async () =>
      (await gql<any>(w.t.url, SUMMARY, { name: 'lifetime_value' }, w.keys.admin)).data
        .traitDefinition;
    const before = await summary();
    expect(before.lastRunWithWork).toEqual({
      run: { id: before.lastRun.id, status: 'succeeded', counts: { read: 60 } },
      idleRunsSince: 0,
      lastIdleRunAt: null,
    });
    // Two incremental syncs later that found nothing new (as a sync with no row past the high-water
    // mark records), then one that failed reading nothing.
    const insert = (status: string, minutesLater: number) =>
      sql<{ id: string; started_at: Date }>(
        w.t,
        `INSERT INTO run (source_kind, source, status, metadata, started_at, finished_at)
         SELECT source_kind, source, $2, '{"mode": "incremental"}', started_at + make_interval(mins => $3),
           started_at + make_interval(mins => $3) FROM run WHERE id = $1 RETURNING id, started_at`,
        [before.lastRun.id, status, minutesLater],
      );
    const idle = [await insert('succeeded', 1), await insert('succeeded', 2)];
    try {
      const after = await summary();
      expect(after.lastRun.id).toBe(idle[1][0].id);
      expect(after.lastRunWithWork).toEqual({
        run: before.lastRunWithWork.run,
        idleRunsSince: 2,
        lastIdleRunAt: idle[1][0].started_at.toISOString(),
      });
      idle.push(await insert('failed', 3));
      expect((await summary()).lastRunWithWork).toMatchObject({
        run: { id: idle[2][0].id, status: 'failed', counts: { read: 0 } },
        idleRunsSince: 0,
      });
    } finally {
      await sql(w.t, 'DELETE FROM run WHERE id = ANY($1::uuid[])', [idle.map((r) => r[0].id)]);
    }
  });

  it('an API trait has no source runs; lastRun is admin only', async () => {
    expect((await trait('coins', w.keys.admin, true)).data.traitDefinition.lastRun).toBeNull();
    const noRuns = await gql<any>(
      w.t.url,
      '{ traitDefinition(name: "coins") { lastRunWithWork { idleRunsSince } } }',
      {},
      w.keys.admin,
    );
    expect(noRuns.data.traitDefinition.lastRunWithWork).toBeNull();
    const readOnly = await gql<any>(
      w.t.url,
      '{ traitDefinition(name: "lifetime_value") { lastRunWithWork { idleRunsSince } } }',
      {},
      w.keys.read,
    );
    expect(readOnly.errors?.[0]).toMatchObject({
      path: ['traitDefinition', 'lastRunWithWork'],
      extensions: { code: 'FORBIDDEN' },
    });
    const read = await trait('coins', w.keys.read, true);
    expect(read.errors?.[0]).toMatchObject({
      path: ['traitDefinition', 'lastRun'],
      extensions: { code: 'FORBIDDEN' },
    });
  });

  describe('the UI at /', () => {
    const get = (path: string) => fetch(`${w.t.url}${path}`);

    it('serves the app, and index.html for client routes, without a key', async () => {
      for (const path of ['/', '/traits/coins', '/profiles?type=user_id&value=1']) {
        const res = await get(path);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toContain('text/html');
        expect(res.headers.get('cache-control')).toBe('no-cache');
        expect(await res.text()).toContain('<div id="root">');
      }
    });

    it('serves hashed assets for a year', async () => {
      const html = await (await get('/')).text();
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      const res = await get(script!);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/javascript');
      expect(res.headers.get('cache-control')).toContain('immutable');
    });

    it('leaves the APIs alone and answers unknown files and API paths with 404', async () => {
      expect((await get('/health')).headers.get('content-type')).toContain('application/json');
      expect((await get('/metrics')).headers.get('content-type')).toContain('text/plain');
      for (const path of [
        '/v1/nope',
        '/graphql/nope',
        '/assets/missing.js',
        '/%2e%2e/%2e%2e/package.json',
      ]) {
        const res = await get(path);
        expect(res.status).toBe(404);
        expect(((await res.json()) as any).error.code).toBe('NOT_FOUND');
      }
    });
  });
});
