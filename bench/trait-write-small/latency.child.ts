import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TraitWriter } from '../../src/traits/trait-writer.service';
import { BENCH_DATABASE_URL } from '../lib/bench-db';
import { childArgs, runAsChild, settleHeap } from '../lib/child';
import { Latency, latencyOf } from '../lib/latency';
import { BenchWriteModule } from '../trait-write/bench-write.module';

export interface SmallWriteArgs {
  schema: string;
  trait: string;
  players: number;
  writes: number;
  // TRAIT_WRITE_SMALL_ROWS of the writer: 0 forces the bulk path.
  smallRows: number;
}

export interface SmallWriteReport {
  write: Latency;
  lookupBefore: Latency;
  lookupAfter: Latency;
  revisions: number;
}

const WARM_UP = 50;
const LOOKUPS = 1000;
const api = { sourceKind: 'api', sourceRef: { keyId: 'bench' }, runId: null };
const player = (n: number) => ({ type: 'user_id', value: `player-${n}` });

// The baseline: one primary-key lookup of a player's identity, on the writer's own pool.
async function lookups(db: DataSource, players: number): Promise<Latency> {
  const samples: number[] = [];
  for (let i = 0; i < LOOKUPS; i++) {
    const start = process.hrtime.bigint();
    await db.query('SELECT profile_id FROM identity WHERE type = $1 AND value = $2', [
      'user_id',
      `player-${i % players}`,
    ]);
    samples.push(Number(process.hrtime.bigint() - start));
  }
  return latencyOf(samples);
}

async function revisionCount(db: DataSource): Promise<number> {
  const rows: { n: string }[] = await db.query('SELECT count(*) AS n FROM trait_revision');
  return Number(rows[0].n);
}

// A game saving a setting: one row, one existing player, a new value each time, in sequence.
runAsChild<SmallWriteReport>(async () => {
  const args = childArgs<SmallWriteArgs>();
  const app = await NestFactory.createApplicationContext(
    BenchWriteModule.forRoot(BENCH_DATABASE_URL, args.schema, {
      TRAIT_WRITE_SMALL_ROWS: String(args.smallRows),
    }),
    { logger: ['error', 'warn'] },
  );
  try {
    const writer = app.get(TraitWriter);
    const db = app.get<DataSource>(getDataSourceToken());
    const row = (i: number) => ({
      identity: player(i % args.players),
      trait: args.trait,
      value: i,
    });
    // The players exist before timing starts (one bulk batch), so every timed write changes a value.
    await writer.write({
      rows: Array.from({ length: args.players }, (_, i) => row(i)),
      provenance: api,
    });
    for (let i = 0; i < WARM_UP; i++)
      await writer.write({ rows: [row(args.players + i)], provenance: api });
    await lookups(db, args.players);
    settleHeap();
    const lookupBefore = await lookups(db, args.players);
    const samples: number[] = [];
    const before = await revisionCount(db);
    for (let i = 0; i < args.writes; i++) {
      const rows = [row(args.players * 2 + i)];
      const start = process.hrtime.bigint();
      await writer.write({ rows, provenance: api });
      samples.push(Number(process.hrtime.bigint() - start));
    }
    const revisions = (await revisionCount(db)) - before;
    const lookupAfter = await lookups(db, args.players);
    return { write: latencyOf(samples), lookupBefore, lookupAfter, revisions };
  } finally {
    await app.close();
  }
});
