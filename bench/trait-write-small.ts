import { SMALL_WRITE_MAX_ROWS } from '../src/traits/small-trait-write';
import { insertTraitDefinitions } from '../test/factories/trait-definition.factory';
import {
  BENCH_DATABASE_URL,
  createSchema,
  dropSchema,
  dropSchemas,
  ensureBenchDatabase,
} from './lib/bench-db';
import { ChildReport, runChild } from './lib/child';
import { FigureResult, measure, printFigure, ratioTo } from './lib/figure';
import type { Latency } from './lib/latency';
import { benchScale, scaled } from './lib/scale';
import { drift, round, spread } from './lib/stats';
import type { SmallWriteArgs, SmallWriteReport } from './trait-write-small/latency.child';
import { TRAIT_SPECS } from './trait-write/dataset';

// bench/trait-write-small: one-row TraitWriter.write calls in sequence on an unloaded service (a
// game saving a setting), through the small-write path and, forced with TRAIT_WRITE_SMALL_ROWS=0,
// through the bulk path every write took before it; a primary-key lookup on the same pool before
// and after each run is the raw baseline.
const WRITES = 2_000;
const PLAYERS = 10_000;
const P50_TARGET_MS = 5;
const P99_TARGET_MS = 15;
const SCHEMA_PREFIX = 'tws';
const TRAIT = TRAIT_SPECS[0];

type Report = SmallWriteReport & ChildReport;
interface Pair {
  small: Report;
  bulk: Report;
}

const log = (message: string) => process.stderr.write(`[trait-write-small] ${message}\n`);
const ms = (l: Latency) => `p50 ${l.p50Ms.toFixed(2)} ms, p99 ${l.p99Ms.toFixed(2)} ms`;

async function run(path: string, smallRows: number, writes: number, players: number) {
  const schema = await createSchema(`${SCHEMA_PREFIX}_${path}`, true);
  try {
    await insertTraitDefinitions(BENCH_DATABASE_URL, schema, [TRAIT]);
    const args: SmallWriteArgs = { schema, trait: TRAIT.name, players, writes, smallRows };
    const report = await runChild<SmallWriteArgs, SmallWriteReport>(
      'bench/trait-write-small/latency.child.ts',
      args,
    );
    // Every timed write changed a value: one revision each, counted by the server.
    if (report.revisions !== writes)
      throw new Error(`${path}: ${report.revisions} revisions for ${writes} writes`);
    log(`${path}: ${ms(report.write)}; primary-key lookup ${ms(report.lookupBefore)}`);
    return report;
  } finally {
    await dropSchema(schema);
  }
}

function buildResult(scale: number, writes: number, players: number, pairs: Pair[]): FigureResult {
  const small = pairs.map((p) => p.small.write);
  const bulk = pairs.map((p) => p.bulk.write);
  const lookups = pairs
    .flatMap((p) => [p.small, p.bulk])
    .flatMap((r) => [r.lookupBefore, r.lookupAfter]);
  const aroundP50 = (r: Report) => (r.lookupBefore.p50Ms + r.lookupAfter.p50Ms) / 2;
  const p50 = (l: Latency) => l.p50Ms;
  const p99 = (l: Latency) => l.p99Ms;
  const lookupPair = (pick: (l: Latency) => number) => ({
    name: 'primary-key lookup',
    unit: 'ms',
    before: spread(pairs.map((p) => pick(p.small.lookupBefore))).median,
    after: spread(pairs.map((p) => pick(p.small.lookupAfter))).median,
  });
  const smallP50 = spread(small.map(p50)).median;
  const smallP99 = spread(small.map(p99)).median;
  const drifts = pairs.map((p) => drift(p.small.lookupBefore.p50Ms, p.small.lookupAfter.p50Ms));
  return {
    figure: 'trait-write-small',
    title: 'one-row trait write (small-write path) through TraitWriter',
    scale,
    dataset: `${players.toLocaleString('en-US')} players with one number trait; ${writes.toLocaleString('en-US')} timed one-row writes per run`,
    conditions: [
      'TraitWriter.write of one row (an existing player, a new value: one revision and one feed row each), ' +
        'in sequence, one caller, no other load (unloaded)',
      `small-write path: TRAIT_WRITE_SMALL_ROWS=${SMALL_WRITE_MAX_ROWS} (default); bulk path: TRAIT_WRITE_SMALL_ROWS=0, ` +
        'the path every write took before the small-write path',
      `${50} untimed warm-up writes and 1,000 untimed lookups, heap collected before timing; ` +
        'revisions counted by the server',
      'baseline: primary-key lookup of one identity on the writer pool, 1,000 before and after each run',
      `each run in its own process and schema; small and bulk alternate, ${pairs.length} of each`,
    ],
    measures: [
      measure('one-row write p50', 'ms', small.map(p50), {
        baselines: [lookupPair(p50)],
        ratio: ratioTo(
          'primary-key lookup p50',
          pairs.map((p) => p.small.write.p50Ms / aroundP50(p.small)),
        ),
        target: `≤ ${P50_TARGET_MS} ms`,
        met: smallP50 <= P50_TARGET_MS,
      }),
      measure('one-row write p99', 'ms', small.map(p99), {
        baselines: [lookupPair(p99)],
        target: `≤ ${P99_TARGET_MS} ms`,
        met: smallP99 <= P99_TARGET_MS,
      }),
      measure(
        'one-row write p99.9',
        'ms',
        small.map((l) => l.p999Ms),
      ),
      measure('bulk path one-row write p50', 'ms', bulk.map(p50), {
        ratio: ratioTo(
          'small-write path p50',
          pairs.map((p) => p.bulk.write.p50Ms / p.small.write.p50Ms),
        ),
      }),
      measure('bulk path one-row write p99', 'ms', bulk.map(p99)),
      measure('primary-key lookup p50 (baseline)', 'ms', lookups.map(p50)),
      measure('primary-key lookup p99 (baseline)', 'ms', lookups.map(p99)),
    ],
    notes: [
      `Lookup baseline before and after the small-write runs moved by at most ${round(Math.max(...drifts) * 100, 1)}%.`,
    ],
    details: {
      title: 'Per run',
      rows: pairs.map((p, i) => ({
        run: i + 1,
        'small p50 / p99 ms': `${p.small.write.p50Ms.toFixed(2)} / ${p.small.write.p99Ms.toFixed(2)}`,
        'bulk p50 / p99 ms': `${p.bulk.write.p50Ms.toFixed(2)} / ${p.bulk.write.p99Ms.toFixed(2)}`,
        'lookup p50 ms before / after': `${p.small.lookupBefore.p50Ms.toFixed(3)} / ${p.small.lookupAfter.p50Ms.toFixed(3)}`,
      })),
    },
  };
}

async function main(): Promise<void> {
  const scale = benchScale();
  const writes = scaled(WRITES, scale);
  const players = scaled(PLAYERS, scale);
  const repeats = process.env.BENCH_SMOKE === '1' ? 1 : 3;
  await ensureBenchDatabase();
  await dropSchemas(SCHEMA_PREFIX);
  const pairs: Pair[] = [];
  for (let i = 0; i < repeats; i++) {
    const bulk = await run('bulk', 0, writes, players);
    const small = await run('small', SMALL_WRITE_MAX_ROWS, writes, players);
    pairs.push({ small, bulk });
  }
  printFigure(buildResult(scale, writes, players, pairs));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
