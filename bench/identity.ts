import { MERGES_PER_PLAYER, STEPS } from './identity/dataset';
import type { IdentityLoadArgs, LoadReport } from './identity/phases';
import { createSchema, dropSchema, dropSchemas, ensureBenchDatabase } from './lib/bench-db';
import { ChildReport, runChild } from './lib/child';
import { FigureResult, measure, printFigure, ratioTo } from './lib/figure';
import type { Latency } from './lib/latency';
import { PROBE_CPU } from './lib/probe-cpu';
import { driftNote, Sandwich, sandwiches } from './lib/sandwich';
import { benchScale, scaled } from './lib/scale';
import { round, spread } from './lib/stats';

// bench/identity: 1,000,000 identity observations (10% of them merge two profiles) through
// IdentityResolver.observeMany, against an unnest-array upsert of the same identities; then the
// latency of resolving one observation (observe) against a primary-key lookup, same run.
const OBSERVATIONS = 1_000_000;
const PROBE = 2_000;
const DEFAULT_BATCH = 5_000;
const SCHEMA_PREFIX = 'idn';
const THROUGHPUT_TARGET = 0.3;
const LATENCY_TARGET = 10;
const LOOKUP_TAIL_TARGET = 3;
const FLAT_RSS_LIMIT = 1.15;

type Load = LoadReport & ChildReport;

const log = (message: string) => process.stderr.write(`[identity] ${message}\n`);
const mb = (kb: number | null) => (kb ?? 0) / 1024;
const rate = (r: LoadReport) => r.observations / r.seconds;

function batchSize(): number {
  const raw = process.env.BENCH_IDENTITY_BATCH;
  const size = raw === undefined ? DEFAULT_BATCH : Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > 20_000) {
    throw new Error(`BENCH_IDENTITY_BATCH: must be an integer in [1, 20000], got ${raw}`);
  }
  return size;
}

// The work must really have been done, counted by the server.
function check(who: string, report: Load, observations: number): void {
  const players = observations / STEPS;
  const c = report.counts;
  if (who === 'resolver') {
    // 7 identities per player; the probe adds a few more.
    if (
      c.identities < 7 * players ||
      c.merges < MERGES_PER_PLAYER * players ||
      c.violations !== 0
    ) {
      throw new Error(`resolver: ${JSON.stringify(c)} after ${observations} observations`);
    }
  } else if (c.identities !== 7 * players) {
    throw new Error(`${who}: ${JSON.stringify(c)} after ${observations} observations`);
  }
}

async function runIn(
  who: 'resolver' | 'baselines',
  observations: number,
  batch: number,
  probe: number,
): Promise<Load> {
  const schema = await createSchema(`${SCHEMA_PREFIX}_${who}`, who === 'resolver');
  try {
    const args: IdentityLoadArgs = { schema, observations, batchSize: batch, probe };
    const report = await runChild<IdentityLoadArgs, LoadReport>(
      `bench/identity/${who}.child.ts`,
      args,
    );
    check(who, report, observations);
    log(
      `${who}: ${Math.round(rate(report))} observations/s, p99 ${report.latency.p99Ms.toFixed(3)} ms, ` +
        `peak RSS ${mb(report.vmHwmKb).toFixed(0)} MB, ${JSON.stringify(report.counts)}`,
    );
    return report;
  } finally {
    await dropSchema(schema);
  }
}

// Summed over the probes: collections, their time, slow samples and how many a collection overlapped.
function gcSummary(reports: Load[]): string {
  const sum = (pick: (gc: NonNullable<Latency['gc']>) => number) =>
    reports.reduce((total, r) => total + (r.latency.gc ? pick(r.latency.gc) : 0), 0);
  const samples = reports.reduce((total, r) => total + r.latency.samples, 0);
  return (
    `${sum((g) => g.collections)} collections (${sum((g) => g.ms).toFixed(1)} ms) in ${reports.length} probes, ` +
    `${sum((g) => g.slowSamples)} slow samples of ${samples} (${((100 * sum((g) => g.slowSamples)) / samples).toFixed(1)}%), ${sum((g) => g.slowDuringGc)} of them during one; ` +
    `CPU steal during the probes ${stealRange(reports)}`
  );
}

// The hypervisor's share of the CPUs during each probe, as min–max percent over the probes.
function stealRange(reports: Load[]): string {
  const shares = reports.flatMap((r) =>
    r.latency.stealShare === undefined ? [] : [r.latency.stealShare * 100],
  );
  if (shares.length === 0) return 'not reported by this kernel';
  return `${Math.min(...shares).toFixed(1)}–${Math.max(...shares).toFixed(1)}%`;
}

// Whether every probe ran pinned with its backends (pinProbe), and how many backends that was.
function pinNote(reports: Load[]): string {
  const pinned = reports.filter((r) => r.pinnedBackends !== null);
  const backends = pinned.map((r) => r.pinnedBackends!);
  const range = backends.length
    ? `${Math.min(...backends)}–${Math.max(...backends)} backends each`
    : 'none';
  return `Probes run on CPU${PROBE_CPU} with their backends: ${pinned.length} of ${reports.length} (${range}).`;
}

function buildResult(
  scale: number,
  observations: number,
  batch: number,
  probe: number,
  runs: Sandwich<Load, Load>[],
  doubled: Load,
): FigureResult {
  const around = (s: Sandwich<Load, Load>, pick: (b: Load) => number) =>
    (pick(s.before) + pick(s.after)) / 2;
  const p99 = (r: Load) => r.latency.p99Ms;
  const toUpsert = runs.map((s) => rate(s.measured) / around(s, rate));
  const toLookup = runs.map((s) => p99(s.measured) / around(s, p99));
  const rss = runs.map((s) => mb(s.measured.vmHwmKb));
  const rssGrowth = mb(doubled.vmHwmKb) / spread(rss).median;
  const baselineRuns = runs.flatMap((s) => [s.before, s.after]);
  const pair = (name: string, unit: string, pick: (b: Load) => number) => ({
    name,
    unit,
    before: spread(runs.map((s) => pick(s.before))).median,
    after: spread(runs.map((s) => pick(s.after))).median,
  });
  const latencies = runs.map((s) => s.measured.latency);
  const lookupTail = baselineRuns.map((b) => b.latency.p99Ms / b.latency.p50Ms);
  const pauses = baselineRuns.flatMap((b) => (b.pauses ? [b.pauses] : []));
  return {
    figure: 'identity',
    title: 'identity resolution: observations/s and resolve latency',
    scale,
    dataset: `${observations.toLocaleString('en-US')} observations of 1–3 identities for ${(observations / STEPS).toLocaleString('en-US')} players (10% merge two known profiles, 20% new profiles, 20% join, 50% already together), deterministic`,
    conditions: [
      `load: IdentityResolver.observeMany, ${batch.toLocaleString('en-US')} observations per call (one transaction each), one caller, batches in sequence; identities only (no trait values to move)`,
      `latency: the next ${probe.toLocaleString('en-US')} observations of the same mix, one observe() call at a time on the loaded graph after VACUUM ANALYZE, pg_prewarm of the schema (warm) and a CHECKPOINT, inputs generated and the heap collected before the probe, hrtime around the call; change feed published to Redis; every latency probe (resolver and primary-key lookup) runs on CPU${PROBE_CPU} together with the PostgreSQL backends serving it (bench/lib/probe-cpu.ts: split over two vCPUs, one CPU hands each round trip over without waking the other)`,
      "the probe CPU's own pauses, in the baseline process just before each primary-key probe, pinned the same way: 2 s of spinning on the clock (after 0.3 s untimed), allocating nothing, every gap over 0.1 ms between two reads counted (time the vCPU did not run this thread; bench/lib/vcpu-pauses.ts)",
      'baselines in one process on one connection: unnest-array upsert (ON CONFLICT DO UPDATE last_seen_at) of the same identities, deduplicated per batch, into a table shaped like identity; primary-key lookup (prepared) of one random identity of the dataset, same count as the probe, warmed the same way plus 5,000 untimed lookups (so the client code is compiled before timing, as the resolver code is after its load), inputs generated and the heap collected before timing',
      'sandwich [baselines] → resolver → [baselines], 3 times; each in its own process and fresh schema; CHECKPOINT before each load; rows counted by the server',
    ],
    measures: [
      measure(
        'observations resolved',
        'obs/s',
        runs.map((s) => rate(s.measured)),
        {
          baselines: [pair('unnest upsert of the identities', 'obs/s', rate)],
          ratio: ratioTo('unnest upsert', toUpsert),
          target: `≥ ${THROUGHPUT_TARGET} of unnest upsert`,
          met: spread(toUpsert).median >= THROUGHPUT_TARGET,
        },
      ),
      measure(
        'resolve latency p99 (observe, 1 call at a time)',
        'ms',
        latencies.map((l) => l.p99Ms),
        {
          baselines: [pair('primary-key lookup p99', 'ms', p99)],
          ratio: ratioTo('primary-key lookup p99', toLookup),
          target: `≤ ${LATENCY_TARGET}× the primary-key lookup p99`,
          met: spread(toLookup).median <= LATENCY_TARGET,
        },
      ),
      measure(
        'resolve latency p50',
        'ms',
        latencies.map((l) => l.p50Ms),
      ),
      measure(
        'resolve latency p99.9',
        'ms',
        latencies.map((l) => l.p999Ms),
      ),
      measure('unnest upsert (baseline)', 'obs/s', baselineRuns.map(rate)),
      measure(
        'primary-key lookup p50 (baseline)',
        'ms',
        baselineRuns.map((b) => b.latency.p50Ms),
      ),
      // A clean baseline: the tail of a primary-key lookup is close to its median (issue 11).
      measure('primary-key lookup p99 (baseline)', 'ms', baselineRuns.map(p99), {
        ratio: ratioTo('its p50', lookupTail),
        target: `≤ ${LOOKUP_TAIL_TARGET}× its p50`,
        met: spread(lookupTail).median <= LOOKUP_TAIL_TARGET,
      }),
      measure(
        'pauses of the probe CPU over 0.5 ms (spinning, before each lookup probe)',
        'per s',
        pauses.map((p) => p.over500usPerSecond),
      ),
      measure(
        'share of time the probe CPU was paused (gaps over 0.1 ms)',
        '%',
        pauses.map((p) => p.pausedShare * 100),
      ),
      measure(
        'longest pause of the probe CPU',
        'ms',
        pauses.map((p) => p.maxMs),
      ),
      measure('peak RSS of the resolver process', 'MB', rss),
      measure('peak RSS at 2× input', 'MB', [mb(doubled.vmHwmKb)], {
        ratio: {
          to: 'peak RSS at 1×',
          median: round(rssGrowth),
          min: round(rssGrowth),
          max: round(rssGrowth),
        },
        target: `flat: ≤ ${FLAT_RSS_LIMIT}× when the input doubles`,
        met: rssGrowth <= FLAT_RSS_LIMIT,
      }),
    ],
    notes: [
      `At 2× input (${(2 * observations).toLocaleString('en-US')} observations) the resolver did ${Math.round(rate(doubled)).toLocaleString('en-US')} obs/s, p99 ${doubled.latency.p99Ms.toFixed(3)} ms.`,
      `Server counts after a 1× load: ${JSON.stringify(runs[0].measured.counts)}.`,
      `Collections and CPU steal during the timed probes (slow = over 3× that probe's p50): primary-key lookup ${gcSummary(baselineRuns)}; resolve ${gcSummary(runs.map((s) => s.measured))}.`,
      pinNote([...baselineRuns, ...runs.map((s) => s.measured)]),
      driftNote(runs),
    ],
    details: {
      title: 'Per sandwich',
      rows: runs.map((s, i) => ({
        sandwich: i + 1,
        attempts: s.attempts,
        'baseline drift %': round(s.drift * 100, 1),
        'upsert obs/s before/after': `${Math.round(rate(s.before))} / ${Math.round(rate(s.after))}`,
        'resolver obs/s': Math.round(rate(s.measured)),
        'resolver ÷ upsert': round(toUpsert[i]),
        'PK p99 ms before/after': `${p99(s.before).toFixed(3)} / ${p99(s.after).toFixed(3)}`,
        'resolve p99 ms': round(p99(s.measured), 3),
        'p99 ÷ PK p99': round(toLookup[i], 2),
        'peak RSS MB': Math.round(rss[i]),
      })),
    },
  };
}

async function main(): Promise<void> {
  const scale = benchScale();
  // Whole windows of players, so every player meets all its steps.
  const observations = Math.max(
    STEPS * 1_000,
    Math.round(scaled(OBSERVATIONS, scale) / (STEPS * 1_000)) * STEPS * 1_000,
  );
  const probe = Math.min(PROBE, scaled(PROBE, scale * 5));
  const batch = batchSize();
  await ensureBenchDatabase();
  await dropSchemas(SCHEMA_PREFIX);
  const runs = await sandwiches<Load, Load>({
    baseline: () => runIn('baselines', observations, batch, probe),
    rates: (b) => ({ upsert: rate(b), lookupP99: 1 / b.latency.p99Ms }),
    measure: () => runIn('resolver', observations, batch, probe),
    log,
  });
  log('memory check: resolver at 2× input');
  const doubled = await runIn('resolver', 2 * observations, batch, probe);
  printFigure(buildResult(scale, observations, batch, probe, runs, doubled));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
