import { NestFactory } from '@nestjs/core';
import { DbtSyncService } from '../../src/sources/dbt/sync/dbt-sync.service';
import { BENCH_DATABASE_URL, checkpoint, prewarmSchema, withClient } from '../lib/bench-db';
import { childArgs, runAsChild } from '../lib/child';
import { BenchDbtModule } from './bench-dbt.module';
import { elapsedSeconds, serverCounts, ServerCounts } from './counts';
import { MODEL, warehouseSchema } from './dataset';

export interface SyncArgs {
  schema: string;
  rows: number;
}

export interface SyncReport {
  seconds: number;
  rowsRead: number;
  counts: ServerCounts;
}

// Measured process: OUR first sync of the model (full read of the relation, batches through the
// write path, position after each batch) in a Nest application context.
runAsChild<SyncReport>(async () => {
  const args = childArgs<SyncArgs>();
  await withClient(async (c) => {
    await prewarmSchema(c, warehouseSchema(args.rows));
    await checkpoint(c);
  });
  const app = await NestFactory.createApplicationContext(
    BenchDbtModule.forRoot(BENCH_DATABASE_URL, args.schema),
    {
      logger: ['error', 'warn'],
    },
  );
  try {
    const start = process.hrtime.bigint();
    const outcome = await app.get(DbtSyncService).run({ source: MODEL, trigger: 'manual' });
    const seconds = elapsedSeconds(start);
    if (outcome.status !== 'succeeded')
      throw new Error(`sync ${outcome.status}: ${JSON.stringify(outcome)}`);
    const [run] = await withClient(
      async (c) =>
        (
          await c.query<{ rows_read: number }>('SELECT rows_read FROM run WHERE id = $1', [
            outcome.runId,
          ])
        ).rows,
      args.schema,
    );
    return { seconds, rowsRead: run.rows_read, counts: await serverCounts(args.schema) };
  } finally {
    await app.close();
  }
});
