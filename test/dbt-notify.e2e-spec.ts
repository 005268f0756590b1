import { DbtImportService } from '../src/sources/dbt/import/dbt-import.service';
import { dbtFixture } from './fixtures/dbt-fixtures';
import {
  createCustomers,
  CUSTOMERS,
  CUSTOMERS_MODEL,
  customersManifest,
} from './fixtures/jaffle-shop';
import { createWarehouse, waitForRun, Warehouse } from './utils/dbt-helpers';
import { gql } from './utils/graphql-request';
import { createKey } from './utils/keys';
import { count, sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';

type Json = Record<string, any>;

const MODEL = CUSTOMERS_MODEL;
const manifestFor = customersManifest;

function runResultsWith(status: (uniqueId: string) => string | undefined): Json {
  const rr = dbtFixture<Json>('jaffle_shop.run_results.json');
  for (const r of rr.results) {
    const s = status(r.unique_id);
    if (s)
      Object.assign(r, {
        status: s,
        message: `forced ${s} in test`,
        failures: s === 'fail' ? 2 : r.failures,
      });
  }
  return rr;
}

async function postRunResults(
  t: TestApp,
  body: unknown,
  key = t.adminKey,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${t.url}/v1/dbt/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

// Jest reads testTimeout from the root config only; these files boot the app and move real data.
jest.setTimeout(60_000);

describe('dbt: import from manifest meta, sync on run_results', () => {
  let t: TestApp;
  let wh: Warehouse;
  const q = (text: string, params: unknown[]) => sql(t, text, params);

  beforeAll(async () => {
    t = await startTestApp();
    wh = await createWarehouse();
    await createCustomers(wh);
  });

  afterAll(async () => {
    await t?.close();
    await wh?.close();
  });

  it('import registers the traits with dbt descriptions, owner and lineage', async () => {
    const outcome = await t.app.get(DbtImportService).import(manifestFor(wh));
    expect(outcome.models).toEqual([MODEL]);
    expect(outcome.plan.entries.map((e) => [e.name, e.action]).sort()).toEqual([
      ['first_name', 'create'],
      ['first_order_at', 'create'],
      ['lifetime_value', 'create'],
      ['order_count', 'create'],
    ]);
    const res = await gql<{ traitDefinition: Json }>(
      t.url,
      `{ traitDefinition(name: "order_count") { name type description owner origin sourceKind source } }`,
      {},
      t.adminKey,
    );
    expect(res.data?.traitDefinition).toMatchObject({
      type: 'number',
      description: 'Count of the number of orders a customer has placed',
      owner: 'analytics-engineering',
      origin: 'dbt',
      sourceKind: 'dbt',
      source: {
        model: MODEL,
        relation: `"${wh.schema}"."customers"`,
        cursor: 'updated_at',
        depends_on: expect.arrayContaining(['model.jaffle_shop.stg_orders']),
      },
    });
    // Importing the same manifest again changes nothing.
    const again = await t.app.get(DbtImportService).import(manifestFor(wh));
    expect(again.plan.entries).toEqual([]);
  });

  it('refuses a manifest of an unknown schema version, and meta mistakes, naming the field', async () => {
    const m = manifestFor(wh);
    m.metadata.dbt_schema_version = 'https://schemas.getdbt.com/dbt/manifest/v42.json';
    await expect(t.app.get(DbtImportService).import(m)).rejects.toMatchObject({
      details: {
        'metadata.dbt_schema_version': 'manifest v42 is not supported (supported: v7–v12)',
      },
    });
    const bad = manifestFor(wh);
    bad.nodes[MODEL].columns.number_of_orders.meta.traitbase = {
      trait: 'order_count',
      type: 'integer',
    };
    await expect(t.app.get(DbtImportService).import(bad)).rejects.toMatchObject({
      details: {
        [`nodes["${MODEL}"].columns.number_of_orders.meta.traitbase.type`]:
          expect.stringMatching(/^must be one of/),
      },
    });
  });

  it('POST /v1/dbt/runs with the fixture run_results syncs the model, with dbt provenance', async () => {
    const started = new Date();
    const res = await postRunResults(t, dbtFixture('jaffle_shop.run_results.json'));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      invocationId: 'cfbc1db9-66c1-46c2-a94b-8c0cef32314f',
      queued: [{ source: MODEL }],
      skipped: [],
    });
    const run = await waitForRun(q, MODEL, started);
    expect(run).toMatchObject({ status: 'succeeded', rows_read: CUSTOMERS, rows_rejected: 0 });
    // 60 rows × 4 traits, minus the 6 null order counts that have nothing to clear.
    expect(run.rows_changed).toBe(CUSTOMERS * 4 - CUSTOMERS / 10);
    expect(run.high_water_mark).toEqual({
      column: 'updated_at',
      value: '2024-06-01T01:00:00.000000Z',
    });

    const profile = await fetch(`${t.url}/v1/profiles/user_id:7/traits?verbose=true`, {
      headers: { authorization: `Bearer ${t.adminKey}` },
    }).then((r) => r.json() as Promise<Json>);
    const checksum = dbtFixture<Json>('jaffle_shop.manifest.json').nodes[MODEL].checksum.checksum;
    expect(profile.traits.order_count.value).toBe(0);
    expect(profile.traits.lifetime_value.value).toBe(22.75);
    expect(profile.traits.first_order_at.value).toBe('2018-01-08T00:00:00.000Z');
    expect(profile.traits.first_name.value).toBe('First7');
    expect(profile.traits.order_count.provenance).toMatchObject({
      sourceKind: 'dbt',
      sourceRef: {
        uniqueId: MODEL,
        invocationId: 'cfbc1db9-66c1-46c2-a94b-8c0cef32314f',
        checksum,
      },
      runId: run.id,
    });
  });

  it('re-posting the same invocation does not sync twice', async () => {
    const before = await count(t, `SELECT count(*) AS n FROM run WHERE source = $1`, [MODEL]);
    const res = await postRunResults(t, dbtFixture('jaffle_shop.run_results.json'));
    expect(res.status).toBe(202);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await count(t, `SELECT count(*) AS n FROM run WHERE source = $1`, [MODEL])).toBe(before);
  });

  it('a run where the model errored syncs nothing and the run says why', async () => {
    await wh.query(`UPDATE ${wh.schema}.customers SET number_of_orders = 99, updated_at = now()`);
    const revisions = await count(t, 'SELECT count(*) AS n FROM trait_revision');
    const rr = runResultsWith((id) => (id === MODEL ? 'error' : undefined));
    rr.metadata.invocation_id = 'b6a1c7d0-0000-4000-8000-000000000001';
    const res = await postRunResults(t, rr);
    expect(res.status).toBe(202);
    expect(res.body.queued).toEqual([]);
    expect(res.body.skipped).toEqual([
      { source: MODEL, runId: expect.any(String), reason: 'dbt error: forced error in test' },
    ]);
    const runs = await gql<{ runs: Json[] }>(
      t.url,
      `query($s: String) { runs(source: $s, limit: 1) { id status error counts { read changed } metadata } }`,
      { s: MODEL },
      t.adminKey,
    );
    expect(runs.data?.runs[0]).toMatchObject({
      status: 'skipped',
      error: 'dbt error: forced error in test',
      counts: { read: 0, changed: 0 },
      metadata: { trigger: 'dbt', invocationId: rr.metadata.invocation_id, dbtStatus: 'error' },
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect(await count(t, 'SELECT count(*) AS n FROM trait_revision')).toBe(revisions);
  });

  it('a run where a test of the model failed syncs nothing and names the test', async () => {
    const test = 'test.jaffle_shop.unique_customers_customer_id.c5af1ff4b1';
    const rr = runResultsWith((id) => (id === test ? 'fail' : undefined));
    rr.metadata.invocation_id = 'b6a1c7d0-0000-4000-8000-000000000002';
    const res = await postRunResults(t, rr);
    expect(res.body.skipped).toEqual([
      {
        source: MODEL,
        runId: expect.any(String),
        reason: `dbt tests did not pass: ${test} (fail, 2 failing row(s))`,
      },
    ]);
  });

  it('then a good run syncs the changes made meanwhile', async () => {
    const rr = dbtFixture<Json>('jaffle_shop.run_results.json');
    rr.metadata.invocation_id = 'b6a1c7d0-0000-4000-8000-000000000003';
    const started = new Date();
    expect((await postRunResults(t, rr)).body.queued).toHaveLength(1);
    const run = await waitForRun(q, MODEL, started);
    expect(run).toMatchObject({
      status: 'succeeded',
      rows_read: CUSTOMERS,
      rows_changed: CUSTOMERS,
    });
  });

  it('refuses bad bodies with 422 naming the field, and keys without admin', async () => {
    const rr = dbtFixture<Json>('jaffle_shop.run_results.json');
    rr.metadata.dbt_schema_version = 'https://schemas.getdbt.com/dbt/run-results/v9.json';
    const res = await postRunResults(t, rr);
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual({
      'metadata.dbt_schema_version': 'run-results v9 is not supported (supported: v4–v6)',
    });
    const noId = dbtFixture<Json>('jaffle_shop.run_results.json');
    delete noId.metadata.invocation_id;
    noId.results[0] = { status: 'success' };
    const res2 = await postRunResults(t, noId);
    expect(res2.status).toBe(422);
    expect(Object.keys(res2.body.error.details)).toEqual([
      'metadata.invocation_id',
      'results[0].unique_id',
    ]);
    expect((await postRunResults(t, [1, 2])).status).toBe(422);
    const reader = await createKey(t, 'profile:read');
    expect(
      (await postRunResults(t, dbtFixture('jaffle_shop.run_results.json'), reader)).status,
    ).toBe(403);
  });
});
