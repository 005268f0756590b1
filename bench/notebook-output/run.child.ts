import { NestFactory } from '@nestjs/core';
import { NotebookRunner } from '../../src/sources/notebook/notebook-runner.service';
import { BENCH_DATABASE_URL, checkpoint, withClient } from '../lib/bench-db';
import { childArgs, runAsChild } from '../lib/child';
import { BenchNotebookModule } from './bench-notebook.module';
import { NOTEBOOK } from './dataset';

export interface RunArgs {
  schema: string;
  trait: string;
}

export interface RunReport {
  seconds: number;
  status: string;
  error: string | null;
  rowsRead: number;
  rowsChanged: number;
  // Counted by the server after the run.
  runs: number;
  values: number;
}

// Measured process: one scheduled-style run of a notebook that writes `rows` scores, through the
// runner (nbconvert in its own processes, so its memory is not counted here), the contract check
// and the write path.
runAsChild<RunReport>(async () => {
  const args = childArgs<RunArgs>();
  await withClient(checkpoint);
  const app = await NestFactory.createApplicationContext(
    BenchNotebookModule.forRoot(BENCH_DATABASE_URL, args.schema),
    { logger: ['error', 'warn'] },
  );
  try {
    const start = process.hrtime.bigint();
    const run = await app.get(NotebookRunner).run(NOTEBOOK, { kind: 'manual' });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (!run) throw new Error('the runner recorded no run');
    const counts = await withClient(async (c) => {
      const q = async (text: string, params: unknown[] = []) =>
        Number((await c.query<{ n: string }>(text, params)).rows[0].n);
      return {
        runs: await q('SELECT count(*) AS n FROM run'),
        values: await q(
          'SELECT count(*) AS n FROM trait_value tv JOIN trait_definition d ON d.id = tv.trait_id WHERE d.name = $1',
          [args.trait],
        ),
      };
    }, args.schema);
    return {
      seconds,
      status: run.status,
      error: run.error,
      rowsRead: run.rowsRead,
      rowsChanged: run.rowsChanged,
      ...counts,
    };
  } finally {
    await app.close();
  }
});
