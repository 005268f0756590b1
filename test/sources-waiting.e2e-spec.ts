import { join } from 'node:path';
import { DbtSyncService } from '../src/sources/dbt/sync/dbt-sync.service';
import { NotebookRunner } from '../src/sources/notebook/notebook-runner.service';
import type { TraitSpec } from '../src/trait-definitions/trait-spec';
import {
  insertTraitDefinitions,
  traitSpec,
  uniqueName,
} from './factories/trait-definition.factory';
import { createWarehouse, Warehouse } from './utils/dbt-helpers';
import { sql } from './utils/sql';
import { startRepoTestApp, TestApp } from './utils/test-app';

jest.setTimeout(120_000);

const NOTEBOOK = 'notebooks/churn_propensity.ipynb';

interface RunRow {
  source_kind: string;
  source: string;
  status: string;
  error: string | null;
  metadata: Record<string, unknown>;
}

// A fresh database has no dbt output and no features table yet: scheduled runs of sources that
// read them wait (no run recorded) instead of failing at every tick; runs asked for by hand still
// fail with the reason.
describe('scheduled runs wait for the relations they read', () => {
  let t: TestApp;
  let wh: Warehouse;
  const model = `model.game.${uniqueName('stats')}`;
  const runs = () => sql<RunRow>(t, 'SELECT * FROM run ORDER BY started_at');

  beforeAll(async () => {
    t = await startRepoTestApp();
    wh = await createWarehouse();
    const dbt: TraitSpec = traitSpec({
      name: uniqueName('level'),
      column: 'level',
      source: {
        kind: 'dbt',
        model,
        relation: `${wh.schema}.player_stats`,
        cursor: 'updated_at',
        schedule: '*/30 * * * *',
        identities: [{ column: 'player_id', type: 'user_id' }],
      },
    });
    const notebook: TraitSpec = traitSpec({
      name: uniqueName('churn'),
      column: 'score',
      source: {
        kind: 'notebook',
        notebook: NOTEBOOK,
        schedule: '0 3 * * *',
        waits_for: [`${wh.schema}.player_features`],
        parameters: { features_relation: `${wh.schema}.player_features` },
        output: { format: 'csv', identity: { column: 'user_id', type: 'user_id' } },
      },
    });
    await insertTraitDefinitions(t.db.url, t.db.schema, [dbt, notebook]);
  });

  afterAll(async () => {
    await wh?.close();
    await t?.close();
  });

  it('a scheduled dbt sync records nothing while its relation is missing, a manual one fails naming it', async () => {
    const sync = t.app.get(DbtSyncService);
    expect(await sync.run({ source: model, trigger: 'schedule' })).toEqual({
      status: 'waiting',
      relation: `${wh.schema}.player_stats`,
    });
    expect(await runs()).toEqual([]);

    const manual = await sync.run({ source: model, trigger: 'manual' });
    expect(manual).toMatchObject({ status: 'failed' });
    expect((await runs()).map((r) => [r.status, r.error])).toEqual([
      ['failed', `relation ${wh.schema}.player_stats does not exist in the warehouse`],
    ]);
  });

  it('a scheduled dbt sync runs once the relation exists', async () => {
    await wh.query(
      `CREATE TABLE ${wh.schema}.player_stats (player_id text, level int, updated_at timestamptz)`,
    );
    await wh.query(
      `INSERT INTO ${wh.schema}.player_stats VALUES ('p1', 3, '2026-01-01T00:00:00Z'), ('p2', 5, '2026-01-01T00:00:00Z')`,
    );
    const outcome = await t.app.get(DbtSyncService).run({ source: model, trigger: 'schedule' });
    expect(outcome).toMatchObject({ status: 'succeeded' });
    const last = (await runs()).at(-1)!;
    expect(last).toMatchObject({ source: model, status: 'succeeded' });
    expect(last.metadata.trigger).toBe('schedule');
  });

  it('a scheduled notebook run records nothing while a relation it waits for is missing', async () => {
    const before = (await runs()).length;
    expect(await t.app.get(NotebookRunner).run(NOTEBOOK, { kind: 'schedule' })).toBeNull();
    expect(await runs()).toHaveLength(before);
  });

  it('rejects a waits_for entry that is not schema.table, naming the field', async () => {
    const { loadDefinitionsDir } = await import('../src/trait-definitions/yaml/definitions.loader');
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'traitbase-waits-'));
    try {
      await writeFile(
        join(dir, 'nb.yaml'),
        [
          'source:',
          '  kind: notebook',
          '  notebook: nb.ipynb',
          '  waits_for: [player_features]',
          '  output: { format: csv, identity: { column: user_id, type: user_id } }',
          'traits:',
          '  - { name: score, type: number }',
          '',
        ].join('\n'),
      );
      const loaded = await loadDefinitionsDir(dir);
      expect(loaded.issues.map((i) => `${i.line}:${i.col}: ${i.path}: ${i.rule}`)).toEqual([
        '4:15: source.waits_for[0]: must be a relation as schema.table',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
