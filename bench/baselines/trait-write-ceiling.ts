import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyLine } from '../../src/traits/copy-text';
import type { TraitWriteRow } from '../../src/traits/trait-write.types';
import { BENCH_DATABASE_URL } from '../lib/bench-db';
import { rowBatches } from '../trait-write/dataset';
import {
  elapsedSeconds,
  LoadArgs,
  Phase,
  PhaseResult,
  preparePhase,
  serverCounts,
} from '../trait-write/phases';
import * as SQL from './trait-write-ceiling.sql';

type Defs = Map<string, { id: number; version: number }>;

async function writeBatch(
  client: Client,
  defs: Defs,
  rows: TraitWriteRow[],
  runId: string,
): Promise<void> {
  const text = rows
    .map((r) => {
      const def = defs.get(r.trait)!;
      const observedAt = r.observedAt as string;
      return copyLine([
        r.identity.type,
        r.identity.value,
        def.id,
        def.version,
        JSON.stringify(r.value),
        observedAt,
      ]);
    })
    .join('');
  await client.query('BEGIN');
  await client.query(SQL.CREATE_STAGE);
  await pipeline(Readable.from([text]), client.query(copyFrom(SQL.COPY_STAGE)));
  await client.query(SQL.ANALYZE_STAGE);
  await client.query(SQL.CREATE_PROFILES, ['api']);
  await client.query(SQL.CREATE_JOINED);
  await client.query(SQL.CREATE_BUMPED);
  await client.query(SQL.BUMP_PROFILES);
  await client.query(SQL.WRITE_CHANGES, ['api', JSON.stringify({ keyId: 'bench' }), runId]);
  await client.query(SQL.CONFIRM_UNCHANGED);
  await client.query('COMMIT');
}

async function loadPhase(
  client: Client,
  defs: Defs,
  args: LoadArgs,
  phase: Phase,
): Promise<PhaseResult> {
  await preparePhase(args.schema, phase);
  const before = await serverCounts(args.schema);
  const runId = randomUUID();
  let seconds = 0;
  let batches = 0;
  let inputRows = 0;
  for (const rows of rowBatches(args.profiles, args.batchSize)) {
    const start = process.hrtime.bigint();
    await writeBatch(client, defs, rows, runId);
    seconds += elapsedSeconds(start);
    batches += 1;
    inputRows += rows.length;
  }
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

// The SQL ceiling over the same input and batches as TraitWriter, on one connection.
export async function ceilingLoad(args: LoadArgs): Promise<PhaseResult[]> {
  const client = new Client({
    connectionString: BENCH_DATABASE_URL,
    options: `-c search_path=${args.schema}`,
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; id: number; version: number }>(
      'SELECT name, id, version FROM trait_definition',
    );
    const defs: Defs = new Map(rows.map((r) => [r.name, { id: r.id, version: r.version }]));
    const phases: PhaseResult[] = [];
    for (const phase of args.phases) phases.push(await loadPhase(client, defs, args, phase));
    return phases;
  } finally {
    await client.end();
  }
}
