import type { RunEntity } from '../src/runs/run.entity';
import { NotebookRunner } from '../src/sources/notebook/notebook-runner.service';
import {
  insertTraitDefinitions,
  traitSpec,
  uniqueName,
} from './factories/trait-definition.factory';
import { count, sql } from './utils/sql';
import { startRepoTestApp, TestApp } from './utils/test-app';

jest.setTimeout(120_000);

const NOTEBOOK = 'test/fixtures/notebooks/writes_rows.ipynb';
// Above the 100,000 values an output was once limited to, so it takes more than one write batch.
const ROWS = 150_000;

describe('a notebook output larger than one write batch', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startRepoTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  async function define(parameters: Record<string, unknown>): Promise<string> {
    const name = uniqueName('big');
    await insertTraitDefinitions(t.db.url, t.db.schema, [
      traitSpec({
        name,
        column: 'score',
        source: {
          kind: 'notebook',
          notebook: NOTEBOOK,
          timeout: '2m',
          parameters: { rows: ROWS, prefix: `${name}-`, ...parameters },
          output: { format: 'csv', identity: { column: 'user_id', type: 'user_id' } },
        },
      }),
    ]);
    return name;
  }

  const run = async (): Promise<RunEntity> =>
    (await t.app.get(NotebookRunner).run(NOTEBOOK, { kind: 'manual' }))!;
  const values = (trait: string) =>
    count(
      t,
      `SELECT count(*) AS n FROM trait_value tv JOIN trait_definition d ON d.id = tv.trait_id WHERE d.name = $1`,
      [trait],
    );

  // One source per notebook path: each case retires the trait of the case before.
  afterEach(() =>
    sql(
      t,
      `UPDATE trait_definition SET retired_at = now() WHERE spec->'source'->>'notebook' = $1`,
      [NOTEBOOK],
    ),
  );

  it('is written whole in one run', async () => {
    const trait = await define({});
    const done = await run();
    expect(done).toEqual(
      expect.objectContaining({ status: 'succeeded', rowsRead: ROWS, rowsChanged: ROWS }),
    );
    expect(done.metadata).toEqual(expect.objectContaining({ rows: ROWS, modelVersion: 'm1' }));
    expect(await values(trait)).toBe(ROWS);
    const runs = await count(
      t,
      `SELECT count(*) AS n FROM run WHERE source = $1 AND started_at >= $2`,
      [NOTEBOOK, done.startedAt],
    );
    expect(runs).toBe(1);
  });

  it('is rejected whole, nothing written, when its last row repeats an identity', async () => {
    const trait = await define({ repeat_last: true });
    const failed = await run();
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('output rejected, nothing written');
    expect(failed.error).toContain(`row ${ROWS} user_id: repeats the identity of row 1`);
    expect(await values(trait)).toBe(0);
  });
});
