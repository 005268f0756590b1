import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEntity } from '../src/runs/run.entity';
import { NotebookRunner } from '../src/sources/notebook/notebook-runner.service';
import { aliveIn, listProcesses } from '../src/sources/notebook/process-tree';
import {
  insertTraitDefinitions,
  traitSpec,
  uniqueName,
} from './factories/trait-definition.factory';
import { gql } from './utils/graphql-request';
import { sql } from './utils/sql';
import { startRepoTestApp, TestApp } from './utils/test-app';
import { waitFor } from './utils/wait';

jest.setTimeout(90_000);

const FIXTURES = 'test/fixtures/notebooks';

interface NotebookRunRow {
  failed_cell: number | null;
  timed_out: boolean;
  error_tail: string | null;
  executed_notebook: string | null;
  process_groups: number[];
}

describe('notebook runs that fail', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startRepoTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  async function define(
    notebook: string,
    parameters: Record<string, unknown> = {},
    timeout = '1m',
  ): Promise<string> {
    const name = uniqueName('nb');
    await insertTraitDefinitions(t.db.url, t.db.schema, [
      traitSpec({
        name,
        column: 'score',
        source: {
          kind: 'notebook',
          notebook: `${FIXTURES}/${notebook}`,
          timeout,
          parameters,
          output: { format: 'csv', identity: { column: 'user_id', type: 'user_id' } },
        },
      }),
    ]);
    return name;
  }

  const run = async (notebook: string): Promise<RunEntity> =>
    (await t.app.get(NotebookRunner).run(`${FIXTURES}/${notebook}`, { kind: 'manual' }))!;
  const notebookRun = async (runId: string) =>
    (await sql<NotebookRunRow>(t, 'SELECT * FROM notebook_run WHERE run_id = $1', [runId]))[0];
  // Everything the write path keeps for a trait: current values and the full history.
  const state = (trait: string) =>
    sql(
      t,
      `SELECT i.value AS id, tv.value, (SELECT count(*) FROM trait_revision r WHERE r.trait_id = d.id) AS revisions
            FROM trait_definition d LEFT JOIN trait_value tv ON tv.trait_id = d.id
            LEFT JOIN identity i ON i.profile_id = tv.profile_id WHERE d.name = $1 ORDER BY i.value`,
      [trait],
    );

  it('fails the run with the raising cell and its error recorded, and changes no trait', async () => {
    const trait = await define('raises.ipynb');
    // Through the API and the queue, as an operator would trigger it.
    const TRIGGER = 'mutation($n: String!) { triggerNotebookRun(notebook: $n) { jobId notebook } }';
    const missing = await gql(t.url, TRIGGER, { n: 'notebooks/nope.ipynb' }, t.adminKey);
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const queued = await gql<{ triggerNotebookRun: { jobId: string } }>(
      t.url,
      TRIGGER,
      { n: `${FIXTURES}/raises.ipynb` },
      t.adminKey,
    );
    expect(queued.errors).toBeUndefined();
    const jobId = queued.data!.triggerNotebookRun.jobId;
    const failed = await waitFor('the run', async () => {
      const [row] = await sql<{ id: string; status: string; error: string }>(
        t,
        `SELECT id, status, error FROM run WHERE metadata->>'jobId' = $1 AND status <> 'running'`,
        [jobId],
      );
      return row;
    });
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(
      new RegExp(`^cell 4 failed: ValueError: training data missing for run ${failed.id}\n`),
    );
    const kept = await notebookRun(failed.id);
    expect(kept.failed_cell).toBe(4);
    expect(kept.error_tail).toContain(
      'raise ValueError(f"training data missing for run {run_id}")',
    );
    expect(kept.error_tail).not.toContain('\u001b[');
    expect(await state(trait)).toEqual([{ id: null, value: null, revisions: '0' }]);
  });

  it('gives the notebook a database DSN on which writes fail', async () => {
    await define('writes_database.ipynb', { schema: t.db.schema });
    const failed = await run('writes_database.ipynb');
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(
      /^cell 3 failed: .*ReadOnlySqlTransaction: cannot execute CREATE TABLE in a read-only transaction/,
    );
    expect(
      await sql(
        t,
        `SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'should_not_exist'`,
        [t.db.schema],
      ),
    ).toEqual([]);
  });

  it('kills a notebook that sleeps past its timeout with every process group it started', async () => {
    const pidFile = join(tmpdir(), `traitbase-pids-${randomBytes(4).toString('hex')}`);
    const trait = await define('sleeps.ipynb', { pid_file: pidFile }, '30s');
    const started = Date.now();
    const failed = await run('sleeps.ipynb');
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^timed out after 30s/);
    const kept = await notebookRun(failed.id);
    expect(kept.timed_out).toBe(true);
    // nbconvert's group and the kernel's own session (Jupyter starts kernels with setsid).
    expect(kept.process_groups.length).toBeGreaterThanOrEqual(2);
    expect(existsSync(pidFile)).toBe(true);
    const [kernelPid, sleepPid] = readFileSync(pidFile, 'utf8').trim().split(' ').map(Number);
    const procs = listProcesses();
    const alive = (pid: number) => procs.some((p) => p.pid === pid && p.state !== 'Z');
    expect({ kernel: alive(kernelPid), sleep: alive(sleepPid) }).toEqual({
      kernel: false,
      sleep: false,
    });
    expect(aliveIn(new Set(kept.process_groups), procs)).toEqual([]);
    expect(await state(trait)).toEqual([{ id: null, value: null, revisions: '0' }]);
  });
});
