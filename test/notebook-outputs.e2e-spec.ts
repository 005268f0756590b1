import type { RunEntity } from '../src/runs/run.entity';
import { NotebookRunner } from '../src/sources/notebook/notebook-runner.service';
import {
  insertTraitDefinitions,
  traitSpec,
  uniqueName,
} from './factories/trait-definition.factory';
import { sql } from './utils/sql';
import { startRepoTestApp, TestApp } from './utils/test-app';

jest.setTimeout(90_000);

const FIXTURES = 'test/fixtures/notebooks';

describe('notebook outputs that break the contract', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startRepoTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  async function define(notebook: string, parameters: Record<string, unknown>): Promise<string> {
    const name = uniqueName('nb');
    await insertTraitDefinitions(t.db.url, t.db.schema, [
      traitSpec({
        name,
        column: 'score',
        source: {
          kind: 'notebook',
          notebook: `${FIXTURES}/${notebook}`,
          timeout: '1m',
          parameters,
          output: { format: 'csv', identity: { column: 'user_id', type: 'user_id' } },
        },
      }),
    ]);
    return name;
  }

  const run = async (notebook: string): Promise<RunEntity> =>
    (await t.app.get(NotebookRunner).run(`${FIXTURES}/${notebook}`, { kind: 'manual' }))!;
  // Everything the write path keeps for a trait: current values and the full history.
  const state = (trait: string) =>
    sql(
      t,
      `SELECT i.value AS id, tv.value, (SELECT count(*) FROM trait_revision r WHERE r.trait_id = d.id) AS revisions
            FROM trait_definition d LEFT JOIN trait_value tv ON tv.trait_id = d.id
            LEFT JOIN identity i ON i.profile_id = tv.profile_id WHERE d.name = $1 ORDER BY i.value`,
      [trait],
    );

  let trait: string;
  const HEADER = 'user_id,score,model_version\n';
  const setContent = (content: string) =>
    sql(
      t,
      `UPDATE trait_definition SET spec = jsonb_set(spec, '{source,parameters,content}', to_jsonb($1::text)) WHERE name = $2`,
      [content, trait],
    );

  beforeAll(async () => {
    trait = await define('writes_output.ipynb', {
      content: `${HEADER}u1,0.1,m1\nu2,0.2,m1\nu3,0.3,m1\n`,
    });
    const ok = await run('writes_output.ipynb');
    expect(ok.status).toBe('succeeded');
    expect(ok.rowsChanged).toBe(3);
  });

  // Each output starts with valid rows that would change u1: nothing of it may land.
  it.each([
    [
      'a missing column',
      'user_id,model_version\nu1,m1\nu2,m1\nu3,m1\n',
      'header: missing column "score"',
    ],
    [
      'a NaN score',
      `${HEADER}u1,0.9,m1\nu2,NaN,m1\nu3,0.3,m1\n`,
      'row 2.score: must be a finite number',
    ],
    [
      'a duplicate identity',
      `${HEADER}u1,0.9,m1\nu2,0.2,m1\nu1,0.3,m1\n`,
      'row 3.user_id: repeats the identity of row 1',
    ],
    [
      'a file cut mid-line',
      `${HEADER}u1,0.9,m1\nu2,0.2,m1\nu3,0.`,
      'row 3.file: csv: the last line has no line break (truncated?)',
    ],
    ['a file cut at a line end (row count)', `${HEADER}u1,0.9,m1\n`, 'rows: 1 rows is outside 2-4'],
  ])('%s', async (_case, content, reason) => {
    const before = await state(trait);
    await setContent(content);
    const failed = await run('writes_output.ipynb');
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('output rejected, nothing written');
    expect(failed.error).toContain(reason);
    expect(await state(trait)).toEqual(before);
    expect(before.map((r) => r.value)).toEqual([0.1, 0.2, 0.3]);
  });

  it('a notebook that writes no output fails the run', async () => {
    await sql(
      t,
      `UPDATE trait_definition SET spec = jsonb_set(spec, '{source,parameters,content}', 'null') WHERE name = $1`,
      [trait],
    );
    const failed = await run('writes_output.ipynb');
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe('output: the notebook wrote no file at output_path');
  });
});
