import { NestFactory } from '@nestjs/core';
import { RunsService } from '../../src/runs/runs.service';
import type { WriteResult } from '../../src/traits/trait-write.types';
import { TraitWriter } from '../../src/traits/trait-writer.service';
import { BENCH_DATABASE_URL } from '../lib/bench-db';
import { childArgs, runAsChild } from '../lib/child';
import { BenchWriteModule } from './bench-write.module';
import { rowBatches } from './dataset';
import { elapsedSeconds, LoadArgs, Phase, PhaseResult, preparePhase, serverCounts } from './phases';

export interface WriterReport {
  phases: PhaseResult[];
}

// Measured process: OUR write path (TraitWriter in a Nest application context), batch after batch,
// wrapped in a run as a source would do.
async function load(
  writer: TraitWriter,
  runs: RunsService,
  args: LoadArgs,
  phase: Phase,
): Promise<PhaseResult> {
  await preparePhase(args.schema, phase);
  const before = await serverCounts(args.schema);
  const run = await runs.start('api', 'bench-trait-write', { phase });
  const total: WriteResult = {
    accepted: 0,
    revisions: 0,
    unchanged: 0,
    rejected: [],
    profiles: [],
  };
  let seconds = 0;
  let batches = 0;
  let inputRows = 0;
  for (const rows of rowBatches(args.profiles, args.batchSize)) {
    const start = process.hrtime.bigint();
    const result = await writer.write({
      rows,
      provenance: { sourceKind: 'api', sourceRef: { keyId: 'bench' }, runId: run.id },
    });
    seconds += elapsedSeconds(start);
    batches += 1;
    inputRows += rows.length;
    total.accepted += result.accepted;
    total.revisions += result.revisions;
    total.unchanged += result.unchanged;
    if (result.rejected.length > 0)
      throw new Error(`${result.rejected.length} rows rejected: ${result.rejected[0].reason}`);
  }
  await runs.finish(run, [total]);
  const counts = await serverCounts(args.schema);
  return {
    phase,
    inputRows,
    batches,
    seconds,
    counts,
    revisionsWritten: counts.revisions - before.revisions,
  };
}

runAsChild<WriterReport>(async () => {
  const args = childArgs<LoadArgs>();
  const app = await NestFactory.createApplicationContext(
    BenchWriteModule.forRoot(BENCH_DATABASE_URL, args.schema),
    {
      logger: ['error', 'warn'],
    },
  );
  try {
    const writer = app.get(TraitWriter);
    const runs = app.get(RunsService);
    const phases: PhaseResult[] = [];
    for (const phase of args.phases) phases.push(await load(writer, runs, args, phase));
    return { phases };
  } finally {
    await app.close();
  }
});
