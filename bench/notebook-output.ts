import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { insertTraitDefinitions, traitSpec } from '../test/factories/trait-definition.factory';
import {
  BENCH_DATABASE_URL,
  checkpoint,
  createSchema,
  dropSchema,
  dropSchemas,
  ensureBenchDatabase,
  withClient,
} from './lib/bench-db';
import { ChildReport, runChild } from './lib/child';
import { FigureResult, measure, printFigure, ratioTo } from './lib/figure';
import { benchScale, scaled } from './lib/scale';
import { round } from './lib/stats';
import { NOTEBOOK } from './notebook-output/dataset';
import type { RunArgs, RunReport } from './notebook-output/run.child';

// bench/notebook-output: one notebook run whose output is 1,000,000 scores, and the same at 2×:
// written in one run, with peak RSS of the service process at 2× within 10% of 1× (issue 11).
// Throughput is given as a ratio to a raw COPY of as many CSV lines, measured before and after.
const ROWS = 1_000_000;
const SCHEMA_PREFIX = 'nbout';
const TRAIT = 'bench_score';
const FLAT_RSS_LIMIT = 1.1;

type Run = RunReport & ChildReport;

const log = (message: string) => process.stderr.write(`[notebook-output] ${message}\n`);
const mb = (kb: number | null) => (kb ?? 0) / 1024;

async function notebookRun(rows: number): Promise<Run> {
  const schema = await createSchema(SCHEMA_PREFIX, true);
  try {
    await insertTraitDefinitions(BENCH_DATABASE_URL, schema, [
      traitSpec({
        name: TRAIT,
        column: 'score',
        source: {
          kind: 'notebook',
          notebook: NOTEBOOK,
          timeout: '2h',
          parameters: { rows },
          output: { format: 'csv', identity: { column: 'user_id', type: 'user_id' } },
        },
      }),
    ]);
    const report = await runChild<RunArgs, RunReport>('bench/notebook-output/run.child.ts', {
      schema,
      trait: TRAIT,
    });
    // The work must really have been done, in one run, counted by the server.
    if (report.status !== 'succeeded' || report.runs !== 1 || report.values !== rows) {
      throw new Error(`run of ${rows} rows: ${JSON.stringify(report)}`);
    }
    log(
      `${rows} rows: ${report.seconds.toFixed(1)} s, peak RSS ${mb(report.vmHwmKb).toFixed(0)} MB`,
    );
    return report;
  } finally {
    await dropSchema(schema);
  }
}

// Raw anchor: COPY of as many CSV lines into an unindexed table, from memory, in chunks.
async function rawCopy(rows: number): Promise<number> {
  const schema = await createSchema(`${SCHEMA_PREFIX}_raw`, false);
  try {
    return await withClient(async (c) => {
      await c.query(
        'CREATE UNLOGGED TABLE raw_scores (user_id text, score float8, model_version text)',
      );
      await checkpoint(c);
      function* lines(): Generator<string> {
        for (let i = 0; i < rows; i += 10_000) {
          let chunk = '';
          for (let j = i; j < Math.min(rows, i + 10_000); j += 1)
            chunk += `p${j},${(j % 997) / 997},m1\n`;
          yield chunk;
        }
      }
      const start = process.hrtime.bigint();
      await pipeline(
        Readable.from(lines()),
        c.query(copyFrom('COPY raw_scores FROM STDIN (FORMAT csv)')),
      );
      return Number(process.hrtime.bigint() - start) / 1e9;
    }, schema);
  } finally {
    await dropSchema(schema);
  }
}

function buildResult(
  scale: number,
  rows: number,
  single: Run,
  doubled: Run,
  copies: number[],
): FigureResult {
  const rate = rows / single.seconds;
  const copyRates = copies.map((s) => rows / s);
  const copyMedian = (copyRates[0] + copyRates[1]) / 2;
  const growth = mb(doubled.vmHwmKb) / mb(single.vmHwmKb);
  return {
    figure: 'notebook-output',
    title: 'a notebook output of 1M scores written in one run, and the same at 2×: flat memory',
    scale,
    dataset: `test/fixtures/notebooks/writes_rows.ipynb writing ${rows.toLocaleString('en-US')} and ${(2 * rows).toLocaleString('en-US')} CSV rows (user_id, score, model_version) of new players`,
    conditions: [
      'NotebookRunner.run in its own process (API role, Nest application context): nbconvert executes the notebook, ' +
        'the output file is streamed, checked and staged in a temporary table, then written in batches of ' +
        '100,000 values through TraitWriter; one run per size, each in an empty migrated schema',
      'peak RSS = VmHWM of the service process (nbconvert and the kernel are other processes)',
      'raw anchor: COPY of as many CSV lines into an unlogged unindexed table, before and after the 1× run',
      'one run per size (no sandwich repeats: a 2× run takes minutes on this machine)',
    ],
    measures: [
      measure('notebook run, 1×', 'rows/s', [rate], {
        baselines: [
          { name: 'raw COPY', unit: 'rows/s', before: copyRates[0], after: copyRates[1] },
        ],
        ratio: ratioTo('raw COPY', [rate / copyMedian]),
      }),
      measure('peak RSS of the service process, 1×', 'MB', [mb(single.vmHwmKb)]),
      measure('peak RSS at 2× rows', 'MB', [mb(doubled.vmHwmKb)], {
        ratio: ratioTo('peak RSS at 1×', [growth]),
        target: `growth ≤ ${Math.round((FLAT_RSS_LIMIT - 1) * 100)}%`,
        met: growth <= FLAT_RSS_LIMIT,
      }),
    ],
    notes: [
      `1×: ${single.seconds.toFixed(1)} s for ${rows.toLocaleString('en-US')} rows; 2×: ${doubled.seconds.toFixed(1)} s ` +
        `(${Math.round((2 * rows) / doubled.seconds).toLocaleString('en-US')} rows/s). Each size was one run (runs = 1, ` +
        'every value counted in trait_value).',
    ],
    details: {
      title: 'Per run',
      rows: [single, doubled].map((r, i) => ({
        rows: (i + 1) * rows,
        seconds: round(r.seconds, 1),
        'rows read': r.rowsRead,
        'rows changed': r.rowsChanged,
        'peak RSS MB': Math.round(mb(r.vmHwmKb)),
      })),
    },
  };
}

async function main(): Promise<void> {
  const scale = benchScale();
  const rows = scaled(ROWS, scale);
  await ensureBenchDatabase();
  await dropSchemas(SCHEMA_PREFIX);
  const before = await rawCopy(rows);
  const single = await notebookRun(rows);
  const after = await rawCopy(rows);
  log('memory check: the run at 2× rows');
  const doubled = await notebookRun(2 * rows);
  printFigure(buildResult(scale, rows, single, doubled, [before, after]));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
