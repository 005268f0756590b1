import { randomUUID } from 'node:crypto';
import { DbtImportService } from '../../src/sources/dbt/import/dbt-import.service';
import type { TraitSpec } from '../../src/trait-definitions/trait-spec';
import { post, trackMessage, waitForInboxDrained } from '../factories/event.factory';
import {
  insertTraitDefinitions,
  traitSpec,
  uniqueName,
} from '../factories/trait-definition.factory';
import { dbtFixture } from '../fixtures/dbt-fixtures';
import { createWarehouse, RunRow, waitForRun, Warehouse } from '../utils/dbt-helpers';
import { gql } from '../utils/graphql-request';
import { createKey } from '../utils/keys';
import { count, sql } from '../utils/sql';
import { startTestApp, TestApp } from '../utils/test-app';

jest.setTimeout(120_000);

type Json = Record<string, any>;

const DROP_IDENTITY = '"; DROP TABLE identity; --';
const DROP_VALUES = `'; DROP TABLE trait_value; --`;
const LEAKS = /at \w+ \(|node_modules|SELECT |INSERT |syntax error|QueryFailedError|stack/i;
const TABLES = ['identity', 'trait_value', 'events', 'profile', 'audience', 'trait_definition'];
const PREVIEW = `query P($rule: JSON!) { audiencePreview(rule: $rule) { size } }`;
const SAVE = `mutation S($input: SaveAudienceInput!) { saveAudience(input: $input) { slug version } }`;

// SQL-injection strings in dbt relation names (from YAML and from a manifest, in the schema part
// and the table part) and in every part of an audience rule: data or a clear refusal, never SQL.
describe('SQL injection in relation names and audience rules', () => {
  let t: TestApp;
  let wh: Warehouse;
  let ingest: string;
  let writer: string;
  // A schema and a table whose names are injection strings: real relations, read as such.
  const evilTable = `players${DROP_IDENTITY}`;
  const evilColumn = `lvl${DROP_VALUES}`;
  let evilSchema: string;
  const tier = traitSpec({ type: 'string' });

  const dbtTrait = (model: string, relation: string, column: string): TraitSpec =>
    traitSpec({
      name: uniqueName('dbt'),
      column,
      source: {
        kind: 'dbt',
        model,
        relation,
        cursor: 'updated_at',
        identities: [{ column: 'player_id', type: 'user_id' }],
      },
    });
  const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

  async function syncNow(model: string): Promise<RunRow> {
    const started = new Date();
    const res = await gql<{ triggerDbtSync: { source: string } }>(
      t.url,
      `mutation($m: String!) { triggerDbtSync(model: $m, fullRefresh: true) { source } }`,
      { m: model },
      t.adminKey,
    );
    expect(res.errors).toBeUndefined();
    return waitForRun(
      (text, params) => sql(t, text, params),
      res.data!.triggerDbtSync.source,
      started,
    );
  }

  async function expectTablesIntact(): Promise<void> {
    const [row] = await sql<Record<string, string | null>>(
      t,
      `SELECT ${TABLES.map((n, i) => `to_regclass($${i + 1})::text AS "${n}"`).join(', ')}`,
      TABLES,
    );
    expect(Object.values(row).every((v) => v !== null)).toBe(true);
    const [wrow] = await wh.query(`SELECT to_regclass($1)::text AS t`, [
      `${quoted(evilSchema)}.${quoted(evilTable)}`,
    ]);
    expect(wrow.t).not.toBeNull();
  }

  beforeAll(async () => {
    t = await startTestApp();
    wh = await createWarehouse();
    evilSchema = `${wh.schema}${DROP_IDENTITY}`;
    await wh.query(`CREATE SCHEMA ${quoted(evilSchema)}`);
    for (const schema of [wh.schema, evilSchema]) {
      const table = `${quoted(schema)}.${quoted(evilTable)}`;
      await wh.query(
        `CREATE TABLE ${table} (player_id text, ${quoted(evilColumn)} int, updated_at timestamptz)`,
      );
      await wh.query(
        `INSERT INTO ${table} SELECT 'inj-' || i, i, now() FROM generate_series(1, 3) i`,
      );
    }
    await insertTraitDefinitions(t.db.url, t.db.schema, [tier]);
    ingest = await createKey(t, 'ingest');
    writer = await createKey(t, 'traits:write');
  });
  afterAll(async () => {
    await wh?.query(`DROP SCHEMA IF EXISTS ${quoted(evilSchema)} CASCADE`);
    await wh?.close();
    await t?.close();
  });

  it('dbt: a relation and column named with injection strings are read as names', async () => {
    const model = `model.inj.${uniqueName('yaml')}`;
    const trait = dbtTrait(model, `${quoted(wh.schema)}.${quoted(evilTable)}`, evilColumn);
    await insertTraitDefinitions(t.db.url, t.db.schema, [trait]);
    const run = await syncNow(model);
    expect([run.status, run.error, run.rows_read]).toEqual(['succeeded', null, 3]);
    expect(
      await count(
        t,
        `SELECT count(*) AS n FROM trait_value v JOIN trait_definition d ON d.id = v.trait_id WHERE d.name = $1`,
        [trait.name],
      ),
    ).toBe(3);
    await expectTablesIntact();
  });

  it('dbt: an unquoted relation carrying SQL fails its run with a clear message', async () => {
    const cases = [
      `${wh.schema}.players; DROP TABLE identity; --`,
      `${wh.schema}.players WHERE 1=1; DELETE FROM trait_value`,
      `(SELECT 1) x`,
    ];
    for (const relation of cases) {
      const model = `model.inj.${uniqueName('bad')}`;
      await insertTraitDefinitions(t.db.url, t.db.schema, [dbtTrait(model, relation, 'x')]);
      const run = await syncNow(model);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(
        new RegExp(`^relation .*(not a valid relation name|does not exist in the warehouse)`),
      );
      expect(run.error).not.toMatch(/at \w+ \(|syntax error|QueryFailedError/);
    }
    await expectTablesIntact();
  });

  it('dbt: a manifest relation_name with injection strings in schema and table reads that relation', async () => {
    const m = dbtFixture<Json>('jaffle_shop.manifest.json');
    const uniqueId = 'model.jaffle_shop.customers';
    const node = m.nodes[uniqueId];
    node.relation_name = `"traitbase_test".${quoted(evilSchema)}.${quoted(evilTable)}`;
    node.meta = {
      traitbase: { identities: [{ column: 'player_id', type: 'user_id' }], cursor: 'updated_at' },
    };
    const name = uniqueName('manifest');
    node.columns = {
      [evilColumn]: { name: evilColumn, meta: { traitbase: { trait: name, type: 'number' } } },
    };
    await t.app.get(DbtImportService).import(m);
    const run = await syncNow(uniqueId);
    expect([run.status, run.error, run.rows_read]).toEqual(['succeeded', null, 3]);
    // Unparseable relation names are refused at import, naming the model.
    node.relation_name = `"traitbase_test"."${wh.schema}".customers; DROP TABLE identity; --`;
    await expect(t.app.get(DbtImportService).import(m)).rejects.toThrow(/relation/);
    await expectTablesIntact();
  });

  it('audience rules: injection strings in trait values, event names and property names are data', async () => {
    const userId = `inj-${randomUUID()}`;
    const event = `Order${DROP_IDENTITY}`;
    const property = `sku${DROP_VALUES}`;
    const value = `gold${DROP_VALUES}`;
    const write = await gql<any>(
      t.url,
      `mutation W($input: WriteTraitsInput!) { writeTraits(input: $input) { accepted } }`,
      {
        input: {
          rows: [{ identity: { type: 'user_id', value: userId }, trait: tier.name, value }],
        },
      },
      writer,
    );
    expect(write.data?.writeTraits.accepted).toBe(1);
    const msg = trackMessage({ userId, event, properties: { [property]: "x' OR '1'='1" } });
    expect((await post(t, '/v1/batch', { batch: [msg] }, ingest)).status).toBe(200);
    await waitForInboxDrained(t);

    const rule = (v: string, e: string, p: string, pv: string) => ({
      all: [
        { trait: tier.name, op: 'eq', value: v },
        { event: e, where: [{ property: p, op: 'eq', value: pv }] },
      ],
    });
    const size = async (r: unknown) => {
      const res = await gql<any>(t.url, PREVIEW, { rule: r }, t.adminKey);
      expect(res.errors).toBeUndefined();
      return res.data.audiencePreview.size as number;
    };
    // Matched exactly as stored, and not by the classic tautologies.
    expect(await size(rule(value, event, property, "x' OR '1'='1"))).toBe(1);
    expect(await size(rule("' OR '1'='1", event, property, "x' OR '1'='1"))).toBe(0);
    expect(await size(rule(value, "' OR ''='", property, "x' OR '1'='1"))).toBe(0);
    expect(await size(rule(value, event, "a') OR true --", "x' OR '1'='1"))).toBe(0);
    expect(await size(rule(value, event, property, "' OR 1=1 --"))).toBe(0);
    const saved = await gql<any>(
      t.url,
      SAVE,
      {
        input: {
          slug: uniqueName('inj'),
          name: `Buyers${DROP_IDENTITY}`,
          rule: rule(value, event, property, "x' OR '1'='1"),
        },
      },
      t.adminKey,
    );
    expect(saved.errors).toBeUndefined();
    expect(saved.data.saveAudience.version).toBe(1);
    await expectTablesIntact();
  });

  it('audience rules: an injection string as a trait name or slug is refused with a clear message', async () => {
    for (const name of [`x${DROP_VALUES}`, `${tier.name}" OR true --`]) {
      const res = await gql<any>(
        t.url,
        PREVIEW,
        { rule: { trait: name, op: 'exists' } },
        t.adminKey,
      );
      // A resolver's refusal: HTTP 200 with no data and the error naming the field (GraphQL over HTTP).
      expect(res.status).toBe(200);
      expect(res.data).toBeNull();
      expect(res.errors?.[0]).toMatchObject({
        message: `rule/trait: trait ${name} is not defined`,
        extensions: { code: 'BAD_USER_INPUT' },
      });
      expect(JSON.stringify(res)).not.toMatch(LEAKS);
    }
    const slug = await gql<any>(
      t.url,
      SAVE,
      { input: { slug: `x${DROP_VALUES}`, name: 'x', rule: { trait: tier.name, op: 'exists' } } },
      t.adminKey,
    );
    expect(slug.status).toBe(200);
    expect(slug.data).toBeNull();
    expect(slug.errors?.[0]).toMatchObject({
      message:
        'slug: must be lower-case letters, digits, _ or - (at most 63, starting with a letter or digit)',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    await expectTablesIntact();
  });
});
