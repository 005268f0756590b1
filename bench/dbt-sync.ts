import { insertTraitDefinitions } from '../test/factories/trait-definition.factory';
import type { BaselineArgs, BaselineReport } from './dbt-sync/baselines.child';
import type { ServerCounts } from './dbt-sync/counts';
import { ensureWarehouse, TRAIT_COLUMNS, traitSpecs } from './dbt-sync/dataset';
import type { SyncArgs, SyncReport } from './dbt-sync/sync.child';
import {
  BENCH_DATABASE_URL,
  createSchema,
  dropSchema,
  dropSchemas,
  ensureBenchDatabase,
} from './lib/bench-db';
import { ChildReport, runChild } from './lib/child';
import { FigureResult, measure, printFigure, ratioTo } from './lib/figure';
import { driftNote, Sandwich, sandwiches } from './lib/sandwich';
import { benchScale, scaled } from './lib/scale';
import { round, spread } from './lib/stats';

// bench/dbt-sync: the first sync of a dbt model of 1,000,000 rows × 5 trait columns (5M trait
// values) through our sync, as a ratio to an in-database SQL ceiling (unpivot + versioned merge of
// the same relation) and to a raw copy-out + copy-in of the relation, measured around it.
const ROWS = 1_000_000;
const SCHEMA_PREFIX = 'dbtw';
const CEILING_TARGET = 0.5;
const RSS_LIMIT_MB = 300;
const FLAT_RSS_LIMIT = 1.1;

type Sync = SyncReport & ChildReport;
type Baselines = BaselineReport & ChildReport;
type Run = Sandwich<Baselines, Sync>;

const VALUES_PER_ROW = TRAIT_COLUMNS.length;
const log = (message: string) => process.stderr.write(`[dbt-sync] ${message}\n`);
const mb = (kb: number | null) => (kb ?? 0) / 1024;

// The work must really have been done, counted by the server, or the timing means nothing.
function checkLoaded(who: string, counts: ServerCounts, rows: number): void {
  const values = rows * VALUES_PER_ROW;
  const done =
    counts.values === values &&
    counts.revisions === values &&
    counts.profiles === rows &&
    counts.identities === rows;
  if (!done) throw new Error(`${who}: left ${JSON.stringify(counts)} for ${rows} rows`);
}

async function serviceSchema(who: string, rows: number): Promise<string> {
  const schema = await createSchema(`${SCHEMA_PREFIX}_${who}`, true);
  await insertTraitDefinitions(BENCH_DATABASE_URL, schema, traitSpecs(rows));
  return schema;
}

async function syncRun(rows: number): Promise<Sync> {
  const schema = await serviceSchema('sync', rows);
  try {
    const report = await runChild<SyncArgs, SyncReport>('bench/dbt-sync/sync.child.ts', {
      schema,
      rows,
    });
    if (report.rowsRead !== rows) throw new Error(`sync read ${report.rowsRead} of ${rows} rows`);
    checkLoaded('sync', report.counts, rows);
    log(`sync: ${report.seconds.toFixed(2)} s, peak RSS ${mb(report.vmHwmKb).toFixed(0)} MB`);
    return report;
  } finally {
    await dropSchema(schema);
  }
}

async function baselineRun(rows: number): Promise<Baselines> {
  const ceilingSchema = await serviceSchema('ceiling', rows);
  const rawSchema = await createSchema(`${SCHEMA_PREFIX}_raw`, false);
  try {
    const args: BaselineArgs = { ceilingSchema, rawSchema, rows };
    const report = await runChild<BaselineArgs, BaselineReport>(
      'bench/dbt-sync/baselines.child.ts',
      args,
    );
    if (report.rawCopy.rows !== rows)
      throw new Error(`raw copy: ${report.rawCopy.rows} rows landed`);
    checkLoaded('ceiling', report.ceiling.counts, rows);
    log(
      `raw copy ${report.rawCopy.repetitions.map((s) => s.toFixed(2)).join(' / ')} s, ceiling ${report.ceiling.seconds.toFixed(2)} s`,
    );
    return report;
  } finally {
    await dropSchema(ceilingSchema);
    await dropSchema(rawSchema);
  }
}

function rates(rows: number) {
  const values = rows * VALUES_PER_ROW;
  return {
    sync: (s: Sync) => values / s.seconds,
    ceiling: (b: Baselines) => values / b.ceiling.seconds,
    copy: (b: Baselines) => values / b.rawCopy.seconds,
  };
}

function buildResult(scale: number, rows: number, runs: Run[], doubled: Sync): FigureResult {
  const r = rates(rows);
  const around = (s: Run, pick: (b: Baselines) => number) => (pick(s.before) + pick(s.after)) / 2;
  const sync = runs.map((s) => r.sync(s.measured));
  const toCeiling = runs.map((s, i) => sync[i] / around(s, r.ceiling));
  const toCopy = runs.map((s, i) => sync[i] / around(s, r.copy));
  const baselines = [runs[0].before, ...runs.map((s) => s.after)];
  const pair = (name: string, pick: (b: Baselines) => number) => ({
    name,
    unit: 'values/s',
    before: spread(runs.map((s) => pick(s.before))).median,
    after: spread(runs.map((s) => pick(s.after))).median,
  });
  const rss = runs.map((s) => mb(s.measured.vmHwmKb));
  const rssMedian = spread(rss).median;
  const growth = mb(doubled.vmHwmKb) / rssMedian;
  return {
    figure: 'dbt-sync',
    title: 'first sync of a dbt model through the warehouse reader and the trait write path',
    scale,
    dataset:
      `${rows.toLocaleString('en-US')} warehouse rows × ${VALUES_PER_ROW} trait columns (number, number, boolean, ` +
      `string, timestamp) = ${(rows * VALUES_PER_ROW).toLocaleString('en-US')} trait values, generated in SQL from the row number`,
    conditions: [
      'warehouse = the bench database (WAREHOUSE_URL defaults to the service database); relation prewarmed',
      'our sync: server-side cursor over the relation ordered by (updated_at, user_id), batches of 4,000 rows ' +
        '(20,000 values) through TraitWriter, high-water mark after every batch, next batch read while one is written',
      'SQL ceiling: one transaction inside Postgres on the same relation: new identities/profiles, unpivot, ' +
        "versioned merge (bench/trait-write's ceiling statements)",
      'raw copy: COPY (SELECT …) TO STDOUT of the relation piped into COPY … FROM STDIN of an unindexed table, median of 3',
      'empty migrated schema for every run; CHECKPOINT before each timed phase; rows counted by the server',
      'baseline → sync → baseline, 3 times, neighbours sharing a baseline; each run in its own process',
    ],
    measures: [
      measure('first sync', 'values/s', sync, {
        baselines: [pair('SQL ceiling', r.ceiling), pair('raw copy-out + copy-in', r.copy)],
        ratio: ratioTo('SQL ceiling', toCeiling),
        target: `≥ ${CEILING_TARGET} of SQL ceiling`,
        met: spread(toCeiling).median >= CEILING_TARGET,
      }),
      measure('first sync vs raw copy', 'values/s', sync, {
        ratio: ratioTo('raw copy-out + copy-in', toCopy),
      }),
      measure('SQL ceiling', 'values/s', baselines.map(r.ceiling)),
      measure('raw copy-out + copy-in', 'values/s', baselines.map(r.copy)),
      measure('peak RSS of the sync process', 'MB', rss, {
        target: `< ${RSS_LIMIT_MB} MB`,
        met: Math.max(...rss) < RSS_LIMIT_MB,
      }),
      measure('peak RSS at 2× rows', 'MB', [mb(doubled.vmHwmKb)], {
        ratio: ratioTo('peak RSS at 1×', [growth]),
        target: `growth ≤ ${Math.round((FLAT_RSS_LIMIT - 1) * 100)}%`,
        met: growth <= FLAT_RSS_LIMIT,
      }),
    ],
    notes: [
      `At 2× rows (${(2 * rows).toLocaleString('en-US')}) the sync ran at ` +
        `${Math.round((2 * rows * VALUES_PER_ROW) / doubled.seconds).toLocaleString('en-US')} values/s.`,
      driftNote(runs),
    ],
    details: {
      title: 'Per sandwich',
      rows: runs.map((s, i) => ({
        sandwich: i + 1,
        attempts: s.attempts,
        'baseline drift %': round(s.drift * 100, 1),
        'ceiling s before / after': `${s.before.ceiling.seconds.toFixed(2)} / ${s.after.ceiling.seconds.toFixed(2)}`,
        'raw copy s before / after': `${s.before.rawCopy.seconds.toFixed(2)} / ${s.after.rawCopy.seconds.toFixed(2)}`,
        'sync s': round(s.measured.seconds, 2),
        'sync ÷ ceiling': round(toCeiling[i]),
        'peak RSS MB': Math.round(rss[i]),
      })),
    },
  };
}

async function main(): Promise<void> {
  const scale = benchScale();
  const rows = scaled(ROWS, scale);
  await ensureBenchDatabase();
  await dropSchemas(SCHEMA_PREFIX);
  log(`warehouse relations of ${rows} and ${2 * rows} rows (generated once, then cached)`);
  await ensureWarehouse(rows);
  await ensureWarehouse(2 * rows);
  const r = rates(rows);
  const runs = await sandwiches<Baselines, Sync>({
    baseline: () => baselineRun(rows),
    rates: (b) => ({ ceiling: r.ceiling(b), copy: r.copy(b) }),
    measure: () => syncRun(rows),
    log,
  });
  log('memory check: the sync at 2× rows');
  const doubled = await syncRun(2 * rows);
  printFigure(buildResult(scale, rows, runs, doubled));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
