import { activationRun, ActivationRun } from './activation/activation-run';
import { bullmqNoop } from './activation/bullmq-noop';
import { ensureBenchDatabase } from './lib/bench-db';
import { FigureResult, measure, printFigure, ratioTo } from './lib/figure';
import { sandwiches } from './lib/sandwich';
import { benchScale, scaled } from './lib/scale';
import { round } from './lib/stats';

// bench/activation: 100,000 audience entries synced to a local sink (write → incremental evaluator
// → feed → outbox → delivery lane → HTTP → ledger), as a ratio to BullMQ no-op jobs in the same run;
// committed → delivered p99; a destination limited to N records/s stays within 5% of N.
const CHANGES = 100_000;
const NOOP_JOBS = 20_000;
const LIMIT = 200;
const TARGET = 0.25;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (m: string) => process.stderr.write(`[activation] ${m}\n`);

async function main(): Promise<void> {
  await ensureBenchDatabase();
  const changes = scaled(CHANGES);
  const limit = Math.max(20, scaled(LIMIT));
  const runs = await sandwiches<{ noop: number }, ActivationRun>({
    baseline: async () => ({ noop: await bullmqNoop(REDIS_URL, scaled(NOOP_JOBS)) }),
    rates: (b) => b,
    measure: () => activationRun(changes, limit, REDIS_URL),
    log,
  });
  const ratios = runs.map(
    (r) => r.measured.recordsPerSecond / ((r.before.noop + r.after.noop) / 2),
  );
  const limited = runs.map((r) => r.measured.limitedRate / limit);
  const result: FigureResult = {
    figure: 'activation',
    title: 'Destination sync: changes to a local HTTP sink, with a rate-limited second destination',
    scale: benchScale(),
    dataset: `${changes} membership changes (audience entries of as many new players, written 10,000 per call), batch 500; limited destination ${limit}/s`,
    conditions: ['service, sink and BullMQ baseline in one process on the shared 2 cores', 'warm'],
    measures: [
      measure(
        'records delivered',
        'records/s',
        runs.map((r) => r.measured.recordsPerSecond),
        {
          baselines: [
            {
              name: 'BullMQ no-op',
              unit: 'jobs/s',
              before: round(runs[0].before.noop),
              after: round(runs[runs.length - 1].after.noop),
            },
          ],
          ratio: ratioTo('BullMQ no-op jobs/s', ratios),
          target: `≥ ${TARGET * 100}% of BullMQ no-op`,
          met: ratios.sort((a, b) => a - b)[ratios.length >> 1] >= TARGET,
        },
      ),
      measure(
        'committed → delivered p50',
        'ms',
        runs.map((r) => r.measured.p50Ms),
      ),
      measure(
        'committed → delivered p99',
        'ms',
        runs.map((r) => r.measured.p99Ms),
      ),
      measure('rate-limited destination', 'share of limit', limited, {
        target: 'within 5% of the limit',
        met: limited.every((x) => Math.abs(x - 1) <= 0.05),
      }),
    ],
    notes: [
      'Each change is an audience entry: a new player written through TraitWriter with a level the rule (level ≥ 1) admits, entered by the incremental evaluator; records/s counts from the first write to the last record at the sink, so it includes the writes and the evaluation.',
      'Latency is counted on the server: change_feed.at of the membership change to data_flow_ledger.delivered_at of its record.',
    ],
  };
  printFigure(result);
}

void main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
