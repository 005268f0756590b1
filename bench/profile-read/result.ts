import type { BaselinePair, FigureResult, Measure } from '../lib/figure';
import { measure, ratioTo } from '../lib/figure';
import { driftNote, type Sandwich } from '../lib/sandwich';
import { percentile, round, spread } from '../lib/stats';
import type { FanoutReport } from './fanout.child';
import type { LoadReport } from './load.child';
import type { OpsReport } from './ops.child';

export interface Settings {
  scale: number;
  profiles: number;
  hot: number;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  probes: number;
  writes: number;
  subscribers: number;
  pgPool: number;
}

export interface Baselines {
  bare: Load;
  empty: Load;
  redis: OpsReport;
  pg: OpsReport;
  bareProbe: OpsReport;
  redisProbe: OpsReport;
  wsFanout: FanoutReport;
}

export interface Measured {
  restHit: Load;
  restMiss: Load;
  graphql: Load;
  graphqlHalf: Load;
  restProbe: OpsReport;
  writeProbe: OpsReport;
  fanout: FanoutReport;
}

type Run = Sandwich<Baselines, Measured>;

// A load run with the service's CPU time per request (null where /proc is absent).
export type Load = LoadReport & { cpuMsPerReq: number | null };

// Targets of issue #10.
const REST_HIT_TO_BARE = 0.35;
const REST_UNLOADED_P99 = 3;
const REST_MISS_TO_PG = 0.5;
const GRAPHQL_TO_BARE = 0.15;
const GRAPHQL_HALF_P99_MS = 10;
const FANOUT_TO_WS = 3;
const WRITE_P50_MS = 5;
const WRITE_P99_MS = 15;
// A baseline whose tail is this far above its median measured something else too (issue 11).
const SUSPECT_TAIL = 30;

const p99 = (v: number[]) => percentile(v, 0.99);
const p50 = (v: number[]) => percentile(v, 0.5);
const med = (v: number[]) => spread(v).median;

export function profileReadResult(
  s: Settings,
  runs: Run[],
  pushBytes: number,
  apiPeakKb: number | null,
): FigureResult {
  const around = (r: Run, pick: (b: Baselines) => number) => (pick(r.before) + pick(r.after)) / 2;
  const pair = (name: string, unit: string, pick: (b: Baselines) => number): BaselinePair => ({
    name,
    unit,
    before: round(med(runs.map((r) => pick(r.before))), 3),
    after: round(med(runs.map((r) => pick(r.after))), 3),
  });
  const values = (pick: (m: Measured) => number) => runs.map((r) => pick(r.measured));
  const ratios = (pick: (m: Measured) => number, base: (b: Baselines) => number) =>
    runs.map((r) => pick(r.measured) / around(r, base));
  const withTarget = (m: Measure, target: string, met: boolean): Measure => ({ ...m, target, met });

  const bareRps = (b: Baselines) => b.bare.reqPerSec;
  const emptyRps = (b: Baselines) => b.empty.reqPerSec;
  const pgOps = (b: Baselines) => b.pg.opsPerSec;
  const unloadedAnchor = (b: Baselines) => b.bareProbe.p99Ms + b.redisProbe.p99Ms;
  const wsP99 = (b: Baselines) => p99(b.wsFanout.lastMs);
  const fanP99 = (m: Measured) => p99(m.fanout.lastMs);

  const hitToBare = ratios((m) => m.restHit.reqPerSec, bareRps);
  const unloaded = ratios((m) => m.restProbe.p99Ms, unloadedAnchor);
  const missToPg = ratios((m) => m.restMiss.reqPerSec, pgOps);
  const gqlToBare = ratios((m) => m.graphql.reqPerSec, bareRps);
  const fanToWs = ratios(fanP99, wsP99);
  const gqlHalfP99 = values((m) => m.graphqlHalf.p99Ms);
  const writeP50 = values((m) => m.writeProbe.p50Ms);
  const writeP99 = values((m) => m.writeProbe.p99Ms);

  const baselineRuns = runs.flatMap((r) => [r.before, r.after]);
  const tails: [string, (b: Baselines) => [number, number]][] = [
    ['bare node:http, unloaded', (b) => [b.bareProbe.p50Ms, b.bareProbe.p99Ms]],
    ['Redis GET, unloaded', (b) => [b.redisProbe.p50Ms, b.redisProbe.p99Ms]],
    ['Redis GET, 50 callers', (b) => [b.redis.p50Ms, b.redis.p99Ms]],
    ['pg primary-key lookup, 50 callers', (b) => [b.pg.p50Ms, b.pg.p99Ms]],
    ['raw ws fan-out', (b) => [p50(b.wsFanout.lastMs), p99(b.wsFanout.lastMs)]],
  ];
  const suspect = tails.flatMap(([name, pick]) => {
    const worst = Math.max(...baselineRuns.map((b) => pick(b)[1] / pick(b)[0]));
    return worst > SUSPECT_TAIL ? [`${name}: p99 up to ${round(worst, 1)}× its p50`] : [];
  });
  // What the probe processes waited for a CPU: the usual cause of such a tail here.
  const waits = baselineRuns
    .flatMap((b) => [b.bareProbe.runQueueShare, b.redisProbe.runQueueShare])
    .filter((w): w is number => w !== null);
  const flagged = runs.filter((r) => r.flagged).length;
  const smoke = s.scale < 0.5;

  return {
    figure: 'profile-read',
    title: 'Profile reads (REST, GraphQL; cache hit and miss), live fan-out and one-row writes',
    scale: s.scale,
    dataset: `${s.profiles.toLocaleString('en-US')} profiles × 10 traits (number, category, string, boolean, timestamp), generated in SQL; cache-hit runs read ${s.hot.toLocaleString('en-US')} profiles in turn, cache-miss runs all of them`,
    conditions: [
      `services pinned to CPU0 (the product with TRAITBASE_ROLE=api, a second one with PROFILE_CACHE_SIZE=0, bare node:http, Nest + Fastify empty handler, raw ws server), load generators to CPU1; Postgres and Redis unpinned`,
      `throughput: autocannon, ${s.connections} connections, ${s.warmupSeconds} s warm-up + ${s.seconds} s measured per run, keep-alive, profile:read key (Bearer); GraphQL p99 at half load: an open-loop generator (bench/profile-read/paced.child.ts) sending evenly paced requests at half the GraphQL req/s just measured over up to ${s.connections} connections, latency from each request's due time (autocannon's overallRate sends full-speed bursts at the start of every second and corrects against a 1 ms interval)`,
      `raw anchors at the same concurrency: ${s.connections} callers of ioredis GET (one connection, the profile's JSON) and of a prepared primary-key lookup of profile (pg Pool of ${s.pgPool}, the product's pool size), ${s.seconds} s each, timed with hrtime`,
      `unloaded probes: 1 caller on 1 keep-alive connection, ${s.probes.toLocaleString('en-US')} calls after a warm-up, heap collected first, hrtime around each call`,
      `fan-out: ${s.subscribers.toLocaleString('en-US')} graphql-ws clients (one socket each) subscribed to profileChanged of one profile, ${s.writes} one-row writeTraits in sequence, each timed from the write's start to the ${s.subscribers.toLocaleString('en-US')}th arrival (push ${pushBytes} bytes); raw ws: ${s.subscribers.toLocaleString('en-US')} clients, the server broadcasts a ${pushBytes}-byte message when one asks, same timing; all sockets in one process on CPU1`,
      `writeTraits: one row (a new value of one trait of one profile, outside the read set) per GraphQL call, 1 caller, ${s.probes.toLocaleString('en-US')} calls`,
      `sandwiches: ${runs.length} × (baselines → measurements → baselines); max baseline drift ${round(Math.max(...runs.map((r) => r.drift)) * 100, 1)}%${flagged ? ` (${flagged} flagged)` : ''}; warm (dataset prewarmed)`,
    ],
    measures: [
      withTarget(
        measure(
          'REST read, cache hit, 50 connections',
          'req/s',
          values((m) => m.restHit.reqPerSec),
          {
            baselines: [
              pair('bare node:http', 'req/s', bareRps),
              pair('empty handler (Nest + Fastify)', 'req/s', emptyRps),
            ],
            ratio: ratioTo('bare node:http req/s', hitToBare),
          },
        ),
        `≥ ${REST_HIT_TO_BARE} of bare node:http`,
        med(hitToBare) >= REST_HIT_TO_BARE,
      ),
      measure(
        'REST read, cache hit, vs empty handler',
        'req/s',
        values((m) => m.restHit.reqPerSec),
        {
          ratio: ratioTo(
            'empty handler req/s',
            ratios((m) => m.restHit.reqPerSec, emptyRps),
          ),
        },
      ),
      measure(
        'REST read, cache hit, p99 at 50 connections',
        'ms',
        values((m) => m.restHit.p99Ms),
      ),
      withTarget(
        measure(
          'REST read, cache hit, unloaded p99',
          'ms',
          values((m) => m.restProbe.p99Ms),
          {
            baselines: [
              pair('bare node:http unloaded p99', 'ms', (b) => b.bareProbe.p99Ms),
              pair('Redis GET unloaded p99', 'ms', (b) => b.redisProbe.p99Ms),
            ],
            ratio: ratioTo('bare p99 + Redis GET p99', unloaded),
          },
        ),
        `≤ ${REST_UNLOADED_P99}× (bare p99 + Redis GET p99)`,
        med(unloaded) <= REST_UNLOADED_P99,
      ),
      measure(
        'REST read, cache hit, unloaded p50',
        'ms',
        values((m) => m.restProbe.p50Ms),
      ),
      withTarget(
        measure(
          'REST read, cache miss (PROFILE_CACHE_SIZE=0), 50 connections',
          'req/s',
          values((m) => m.restMiss.reqPerSec),
          {
            baselines: [pair('pg primary-key lookup', 'lookups/s', pgOps)],
            ratio: ratioTo('pg primary-key lookups/s', missToPg),
          },
        ),
        `≥ ${REST_MISS_TO_PG} of raw pg lookups/s`,
        med(missToPg) >= REST_MISS_TO_PG,
      ),
      measure(
        'REST read, cache miss, p99 at 50 connections',
        'ms',
        values((m) => m.restMiss.p99Ms),
      ),
      withTarget(
        measure(
          'GraphQL read, cache hit, 50 connections',
          'req/s',
          values((m) => m.graphql.reqPerSec),
          {
            baselines: [pair('bare node:http', 'req/s', bareRps)],
            ratio: ratioTo('bare node:http req/s', gqlToBare),
          },
        ),
        `≥ ${GRAPHQL_TO_BARE} of bare node:http`,
        med(gqlToBare) >= GRAPHQL_TO_BARE,
      ),
      withTarget(
        measure('GraphQL read p99 at half its max rate', 'ms', gqlHalfP99),
        `≤ ${GRAPHQL_HALF_P99_MS} ms`,
        med(gqlHalfP99) <= GRAPHQL_HALF_P99_MS,
      ),
      measure(
        'GraphQL offered rate in that run',
        'req/s',
        values((m) => m.graphqlHalf.reqPerSec),
      ),
      withTarget(
        measure(
          `write → last of ${s.subscribers.toLocaleString('en-US')} subscribers, p99`,
          'ms',
          values(fanP99),
          {
            baselines: [pair('raw ws fan-out p99', 'ms', wsP99)],
            ratio: ratioTo('raw ws fan-out p99', fanToWs),
          },
        ),
        `≤ ${FANOUT_TO_WS}× raw ws fan-out p99`,
        med(fanToWs) <= FANOUT_TO_WS,
      ),
      measure(
        `write → last of ${s.subscribers.toLocaleString('en-US')} subscribers, p50`,
        'ms',
        values((m) => p50(m.fanout.lastMs)),
      ),
      withTarget(
        measure('writeTraits, one row, unloaded p50', 'ms', writeP50),
        `≤ ${WRITE_P50_MS} ms`,
        med(writeP50) <= WRITE_P50_MS,
      ),
      withTarget(
        measure('writeTraits, one row, unloaded p99', 'ms', writeP99),
        `≤ ${WRITE_P99_MS} ms`,
        med(writeP99) <= WRITE_P99_MS,
      ),
      measure(
        'writeTraits, one row, unloaded p99.9',
        'ms',
        values((m) => m.writeProbe.p999Ms),
      ),
      measure('bare node:http (baseline)', 'req/s', baselineRuns.map(bareRps)),
      measure('empty handler, Nest + Fastify (baseline)', 'req/s', baselineRuns.map(emptyRps)),
      measure(
        'Redis GET, 50 callers (baseline)',
        'ops/s',
        baselineRuns.map((b) => b.redis.opsPerSec),
      ),
      measure('pg primary-key lookup, 50 callers (baseline)', 'lookups/s', baselineRuns.map(pgOps)),
      measure(
        'bare node:http unloaded p50 (baseline)',
        'ms',
        baselineRuns.map((b) => b.bareProbe.p50Ms),
      ),
      measure(
        'Redis GET unloaded p50 (baseline)',
        'ms',
        baselineRuns.map((b) => b.redisProbe.p50Ms),
      ),
      measure(
        'raw ws fan-out p50 (baseline)',
        'ms',
        baselineRuns.map((b) => p50(b.wsFanout.lastMs)),
      ),
      ...cpuMeasures(runs, baselineRuns),
      ...(apiPeakKb === null
        ? []
        : [measure('peak RSS of the API service (cache on)', 'MB', [apiPeakKb / 1024])]),
    ],
    notes: [
      ...(smoke
        ? [
            `Smoke run (BENCH_SCALE=${s.scale}): ${s.seconds} s windows, ${s.probes} probe calls and ${s.writes} fan-out writes per run, so p99s rest on few samples and drift is flagged, not re-run. Not a result.`,
          ]
        : []),
      driftNote(runs),
      suspect.length === 0
        ? `No latency baseline had a p99 over ${SUSPECT_TAIL}× its p50.`
        : `Latency baselines with a suspect tail (p99 > ${SUSPECT_TAIL}× p50): ${suspect.join('; ')}.` +
          (waits.length > 0
            ? ` The unloaded probe processes waited for a CPU ${round(Math.min(...waits) * 100, 1)}–${round(Math.max(...waits) * 100, 1)}% of their timed windows (run-queue wait, /proc/<pid>/schedstat): the machine was busy; re-run these on a quiet one before publishing.`
            : ''),
    ],
    details: {
      title: 'Per sandwich',
      rows: runs.map((r, i) => ({
        sandwich: i + 1,
        'drift %': round(r.drift * 100, 1),
        'bare req/s before/after': `${Math.round(r.before.bare.reqPerSec)} / ${Math.round(r.after.bare.reqPerSec)}`,
        'REST hit req/s': Math.round(r.measured.restHit.reqPerSec),
        'hit ÷ bare': round(hitToBare[i], 2),
        'pg lookups/s before/after': `${Math.round(r.before.pg.opsPerSec)} / ${Math.round(r.after.pg.opsPerSec)}`,
        'REST miss req/s': Math.round(r.measured.restMiss.reqPerSec),
        'miss ÷ pg': round(missToPg[i], 2),
        'GraphQL req/s': Math.round(r.measured.graphql.reqPerSec),
        'unloaded p99 REST / bare / Redis ms': `${r.measured.restProbe.p99Ms.toFixed(3)} / ${r.before.bareProbe.p99Ms.toFixed(3)} / ${r.before.redisProbe.p99Ms.toFixed(3)}`,
        'fan-out p99 ms ours / ws': `${fanP99(r.measured).toFixed(1)} / ${wsP99(r.before).toFixed(1)}`,
        'probe CPU wait % (bare / Redis)': `${round((r.before.bareProbe.runQueueShare ?? NaN) * 100, 1)} / ${round((r.before.redisProbe.runQueueShare ?? NaN) * 100, 1)}`,
        'writeTraits p50/p99 ms': `${r.measured.writeProbe.p50Ms.toFixed(2)} / ${r.measured.writeProbe.p99Ms.toFixed(2)}`,
      })),
    },
  };
}

// The service's CPU time per request (µs), read from /proc around each load run: what a request
// costs whatever share of CPU0 the service got, as a ratio to the bare server's cost.
function cpuMeasures(runs: Run[], baselineRuns: Baselines[]): Measure[] {
  const us = (l: Load) => (l.cpuMsPerReq ?? NaN) * 1000;
  if (!baselineRuns.every((b) => Number.isFinite(us(b.bare)))) return [];
  const bareUs = (r: Run) => (us(r.before.bare) + us(r.after.bare)) / 2;
  const ours = (name: string, pick: (m: Measured) => Load): Measure =>
    measure(
      `service CPU per request: ${name}`,
      'µs',
      runs.map((r) => us(pick(r.measured))),
      {
        ratio: ratioTo(
          'bare node:http CPU per request',
          runs.map((r) => us(pick(r.measured)) / bareUs(r)),
        ),
      },
    );
  return [
    measure(
      'service CPU per request: bare node:http (baseline)',
      'µs',
      baselineRuns.map((b) => us(b.bare)),
    ),
    measure(
      'service CPU per request: empty handler (baseline)',
      'µs',
      baselineRuns.map((b) => us(b.empty)),
      {
        ratio: ratioTo(
          'bare node:http CPU per request',
          baselineRuns.map((b) => us(b.empty) / us(b.bare)),
        ),
      },
    ),
    ours('REST read, cache hit', (m) => m.restHit),
    ours('REST read, cache miss', (m) => m.restMiss),
    ours('GraphQL read, cache hit', (m) => m.graphql),
  ];
}
