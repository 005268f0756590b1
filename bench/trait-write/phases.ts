import { checkpoint, countRows, prewarmSchema, vacuumAnalyze, withClient } from '../lib/bench-db';

export type Phase = 'first' | 'reload';

// What every trait-write child (our writer and the SQL ceiling) is told to do.
export interface LoadArgs {
  schema: string;
  profiles: number;
  batchSize: number;
  phases: Phase[];
}

export interface ServerCounts {
  revisions: number;
  values: number;
  profiles: number;
  identities: number;
}

export interface PhaseResult {
  phase: Phase;
  inputRows: number;
  batches: number;
  // Time spent inside the write calls only; generating the input is not timed.
  seconds: number;
  // Counted by the server after the phase, and the revisions this phase added.
  counts: ServerCounts;
  revisionsWritten: number;
}

export function serverCounts(schema: string): Promise<ServerCounts> {
  return withClient(
    async (c) => ({
      revisions: await countRows(c, 'trait_revision'),
      values: await countRows(c, 'trait_value'),
      profiles: await countRows(c, 'profile'),
      identities: await countRows(c, 'identity'),
    }),
    schema,
  );
}

// Same starting line for every timed phase: no pending checkpoint; before a re-load, the state
// autovacuum would reach after the first load, with the tables in memory.
export function preparePhase(schema: string, phase: Phase): Promise<void> {
  return withClient(async (c) => {
    if (phase === 'reload') {
      await vacuumAnalyze(c, schema);
      await prewarmSchema(c, schema);
    }
    await checkpoint(c);
  });
}

export function elapsedSeconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
