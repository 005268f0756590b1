import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { CopyArgs, CopyReport } from './ingest/copy.child';
import { benchDefinitionsDir } from './ingest/dataset';
import type { LoadArgs, LoadReport } from './ingest/load.child';
import {
  BENCH_DATABASE_URL,
  createSchema,
  dropSchema,
  dropSchemas,
  ensureBenchDatabase,
} from './lib/bench-db';
import { runChild } from './lib/child';
import { FigureResult, measure, printFigure, ratioTo } from './lib/figure';
import { Sandwich, sandwiches } from './lib/sandwich';
import { benchScale } from './lib/scale';
import {
  BENCH_WRITE_KEY,
  LOAD_CPU,
  Service,
  SERVICE_CPU,
  startEmptyHandler,
  startTraitbase,
} from './lib/services';
import { round, spread } from './lib/stats';

// bench/ingest: accepted-and-durable events/s (2xx only after the Postgres commit) at 50
// connections, batched (100 events per request) and single-event, with p99 ack latency; processed
// events/s of the shard workers; baselines in the same run: raw COPY of the same payloads and an
// empty handler on the same HTTP adapter (Nest on Fastify).
const CONNECTIONS = 50;
const BATCH = 100;
const COPY_EVENTS = 200_000;
const BATCHED_TARGET = 10_000;
const BATCHED_COPY_RATIO = 0.05;
const SINGLE_EMPTY_RATIO = 0.5;
const PROCESSED_ACCEPTED_RATIO = 0.5;
const SCHEMA_PREFIX = 'ingest';

const log = (message: string) => process.stderr.write(`[ingest] ${message}\n`);
const authorization = `Basic ${Buffer.from(`${BENCH_WRITE_KEY}:`).toString('base64')}`;

interface Baselines {
  emptyReqPerSec: number;
  copyEventsPerSec: number;
}
interface IngestRun {
  eventsPerSec: number;
  load: LoadReport;
}
interface Measured {
  batched: IngestRun;
  single: IngestRun;
}

// Rows of an inbox table: event_inbox (accepted) or event_inbox_pending (not yet applied).
async function countInbox(schema: string, table = 'event_inbox'): Promise<number> {
  const client = new Client({
    connectionString: BENCH_DATABASE_URL,
    options: `-c search_path=${schema}`,
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

function load(url: string, perRequest: number, seconds: number): Promise<LoadReport> {
  const args: LoadArgs = {
    url,
    authorization,
    perRequest,
    connections: CONNECTIONS,
    seconds,
    run: randomBytes(6).toString('hex'),
  };
  return runChild<LoadArgs, LoadReport>('bench/ingest/load.child.ts', args);
}

// Warm-up, then a timed run; events are counted in the inbox (committed), not from the client.
async function ingestRun(
  api: Service,
  schema: string,
  perRequest: number,
  warmup: number,
  seconds: number,
): Promise<IngestRun> {
  if (warmup > 0) await load(api.url, perRequest, warmup);
  const before = await countInbox(schema);
  const report = await load(api.url, perRequest, seconds);
  const committed = (await countInbox(schema)) - before;
  if (report.non2xx > 0 || report.errors > 0)
    throw new Error(
      `ingest ${perRequest}/request: ${report.non2xx} non-2xx, ${report.errors} errors`,
    );
  if (committed < report.ok * perRequest)
    throw new Error(`ingest: ${report.ok * perRequest} acknowledged but ${committed} committed`);
  const eventsPerSec = committed / report.seconds;
  log(`ingest ${perRequest}/request: ${round(eventsPerSec, 0)} events/s, p99 ${report.p99Ms} ms`);
  return { eventsPerSec, load: report };
}

async function rawCopy(events: number): Promise<number> {
  const schema = await createSchema(`${SCHEMA_PREFIX}_raw`, false);
  try {
    const report = await runChild<CopyArgs, CopyReport>('bench/ingest/copy.child.ts', {
      schema,
      events,
      run: randomBytes(4).toString('hex'),
    });
    if (report.rows !== events)
      throw new Error(`raw COPY: ${report.rows} rows landed of ${events}`);
    return report.rows / report.seconds;
  } finally {
    await dropSchema(schema);
  }
}

interface Processing {
  eventsPerSec: number;
  backlog: number;
  // Mean wall-clock ms per shard batch of each step, from the workers' own metric
  // (traitbase_event_batch_stage_seconds), summed over the worker processes.
  stages: Record<string, { batches: number; meanMs: number }>;
}

// The workers' stage timings, read from their /metrics before they stop.
async function stageTimings(workers: Service[]): Promise<Processing['stages']> {
  const sums = new Map<string, { sum: number; count: number }>();
  for (const worker of workers) {
    const text = await (await fetch(`${worker.url}/metrics`)).text();
    const re = /^traitbase_event_batch_stage_seconds_(sum|count)\{stage="(\w+)"\} ([\d.e+-]+)$/gm;
    for (const m of text.matchAll(re)) {
      const entry = sums.get(m[2]) ?? { sum: 0, count: 0 };
      if (m[1] === 'sum') entry.sum += Number(m[3]);
      else entry.count += Number(m[3]);
      sums.set(m[2], entry);
    }
  }
  return Object.fromEntries(
    [...sums].map(([stage, e]) => [
      stage,
      { batches: e.count, meanMs: e.count > 0 ? round((e.sum / e.count) * 1000, 1) : 0 },
    ]),
  );
}

function stageLine(stages: Processing['stages']): string {
  return Object.entries(stages)
    .map(([stage, e]) => `${stage} ${e.meanMs} ms`)
    .join(', ');
}

// Messages the workers have applied or set aside so far (their traitbase_events_processed_total).
// Read from the workers rather than counted in the queue, so watching the backlog costs the
// database nothing while it is measured.
async function appliedSoFar(workers: Service[]): Promise<number> {
  let total = 0;
  for (const worker of workers) {
    const text = await (await fetch(`${worker.url}/metrics`)).text();
    for (const m of text.matchAll(/^traitbase_events_processed_total\{[^}]*\} ([\d.e+-]+)$/gm))
      total += Number(m[1]);
  }
  return total;
}

// Worker processes alone, applying the backlog the ingest runs left: from the moment they answer
// until `leave` rows are left or the window ends. One worker runs on the service CPU; a second,
// when asked for, on the load generator's CPU (idle by then). The backlog is counted in the queue
// before and after; in between the workers' own counter is watched (every 250 ms).
async function processing(
  schema: string,
  definitionsDir: string,
  seconds: number,
  workers: 1 | 2,
  leave: number,
): Promise<Processing> {
  const backlog = await countInbox(schema, 'event_inbox_pending');
  const started: Service[] = [];
  try {
    started.push(await startTraitbase(schema, 'worker', definitionsDir));
    if (workers === 2)
      started.push(await startTraitbase(schema, 'worker', definitionsDir, {}, LOAD_CPU));
    const t0 = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - t0) / 1e9;
    const from = await appliedSoFar(started);
    let applied = 0;
    while (backlog - from - applied > leave && elapsed() < seconds) {
      await new Promise((r) => setTimeout(r, 250));
      applied = (await appliedSoFar(started)) - from;
    }
    const eventsPerSec = applied / elapsed();
    const stages = await stageTimings(started);
    for (const worker of started) await worker.stop();
    // Cross-check of the workers' counter with the queue (they go on until stopped).
    const left = await countInbox(schema, 'event_inbox_pending');
    log(
      `processing: queue ${backlog} → ${left} messages when the workers stopped; they counted ${from + applied} by the window's end`,
    );
    return { eventsPerSec, backlog, stages };
  } finally {
    for (const worker of started) await worker.stop();
  }
}

function result(
  scale: number,
  runs: Sandwich<Baselines, Measured>[],
  proc: Processing,
  proc2: Processing,
  peakKb: number | null,
  seconds: number,
): FigureResult {
  const around = (s: Sandwich<Baselines, Measured>, pick: (b: Baselines) => number) =>
    (pick(s.before) + pick(s.after)) / 2;
  const pair = (name: string, unit: string, pick: (b: Baselines) => number) => ({
    name,
    unit,
    before: spread(runs.map((s) => pick(s.before))).median,
    after: spread(runs.map((s) => pick(s.after))).median,
  });
  const batched = runs.map((s) => s.measured.batched.eventsPerSec);
  const single = runs.map((s) => s.measured.single.eventsPerSec);
  const batchedToCopy = runs.map(
    (s) => s.measured.batched.eventsPerSec / around(s, (b) => b.copyEventsPerSec),
  );
  const singleToEmpty = runs.map(
    (s) => s.measured.single.eventsPerSec / around(s, (b) => b.emptyReqPerSec),
  );
  const batchedRatio = ratioTo('raw COPY of the same payloads', batchedToCopy)!;
  const singleRatio = ratioTo('empty handler req/s', singleToEmpty)!;
  const copyPair = pair('raw COPY', 'events/s', (b) => b.copyEventsPerSec);
  const emptyPair = pair('empty handler (Nest + Fastify)', 'req/s', (b) => b.emptyReqPerSec);
  return {
    figure: 'ingest',
    title: 'Segment-compatible ingestion: durable acknowledgements and processing',
    scale,
    dataset: `generated Segment messages (95% track "Level Completed" with a planned schema, 5% identify feeding an event trait), 50k users; ${seconds} s per run`,
    conditions: [
      `${CONNECTIONS} connections (autocannon), service pinned to CPU${SERVICE_CPU}, load generator to CPU${LOAD_CPU}; Postgres unpinned`,
      'acknowledged = committed in Postgres (synchronous_commit as configured); events counted in the inbox by the server',
      `sandwiches: ${runs.length} × (baselines → measurement → baselines); max baseline drift ${round(Math.max(...runs.map((r) => r.drift)) * 100, 1)}%${runs.some((r) => r.flagged) ? ' (flagged)' : ''}`,
      `peak RSS of the API service: ${peakKb === null ? 'n/a' : `${round(peakKb / 1024, 0)} MB`}`,
    ],
    measures: [
      measure(`accepted-and-durable, ${BATCH} events/request`, 'events/s', batched, {
        baselines: [copyPair],
        ratio: batchedRatio,
        target: `≥ ${BATCHED_TARGET} events/s and ≥ ${BATCHED_COPY_RATIO} of raw COPY`,
        met: spread(batched).median >= BATCHED_TARGET && batchedRatio.median >= BATCHED_COPY_RATIO,
      }),
      measure(
        'p99 ack latency, batched',
        'ms',
        runs.map((s) => s.measured.batched.load.p99Ms),
      ),
      measure('accepted-and-durable, 1 event/request', 'events/s', single, {
        baselines: [emptyPair],
        ratio: singleRatio,
        target: `≥ ${SINGLE_EMPTY_RATIO} of the empty handler's req/s`,
        met: singleRatio.median >= SINGLE_EMPTY_RATIO,
      }),
      measure(
        'p99 ack latency, single',
        'ms',
        runs.map((s) => s.measured.single.load.p99Ms),
      ),
      measure('processed, one worker process', 'events/s', [proc.eventsPerSec], {
        ratio: ratioTo('batched accepted events/s (median)', [
          proc.eventsPerSec / spread(batched).median,
        ])!,
        target: `≥ ${PROCESSED_ACCEPTED_RATIO} of batched accepted events/s`,
        met: proc.eventsPerSec / spread(batched).median >= PROCESSED_ACCEPTED_RATIO,
      }),
      measure('processed, two worker processes', 'events/s', [proc2.eventsPerSec], {
        ratio: ratioTo('batched accepted events/s (median)', [
          proc2.eventsPerSec / spread(batched).median,
        ])!,
      }),
    ],
    notes: [
      `processing measured on a backlog of ${proc.backlog} messages (then ${proc2.backlog} for two processes) with only the worker role running, 128 leased shards, EVENT_WORKER_CONCURRENCY 4 per process; the second process runs on CPU${LOAD_CPU}, idle by then; a shard batch (up to 1,000 messages) is one identity resolution and one trait write, each revision naming its message`,
      `where a shard batch's time goes (mean wall-clock per batch, the workers' traitbase_event_batch_stage_seconds; batches run 4 at a time per process): one worker ${stageLine(proc.stages)}; two workers ${stageLine(proc2.stages)}`,
      'single-event requests are written with group commit: concurrent requests share one prepared INSERT and one commit, one statement at a time until 500 rows wait',
    ],
  };
}

async function main(): Promise<void> {
  const scale = benchScale();
  const full = scale >= 0.5;
  const seconds = full ? 10 : 2;
  // The smoke run (CI, BENCH_SCALE=0.1) only proves the script works: no warm-up, short windows.
  const warmup = full ? 3 : 0;
  // The parent (and the load generator and COPY children it starts) run on the other CPU.
  execFileSync('taskset', ['-cp', LOAD_CPU, String(process.pid)], { stdio: 'ignore' });
  await ensureBenchDatabase();
  await dropSchemas(SCHEMA_PREFIX);
  const schema = await createSchema(SCHEMA_PREFIX, true);
  const definitionsDir = benchDefinitionsDir();
  const api = await startTraitbase(schema, 'api', definitionsDir);
  let empty: Service | undefined;
  let peakKb: number | null = null;
  try {
    empty = await startEmptyHandler();
    const emptyUrl = empty.url;
    const copyEvents = Math.max(10_000, Math.round(COPY_EVENTS * scale));
    const runs = await sandwiches<Baselines, Measured>({
      baseline: async () => {
        if (warmup > 0) await load(emptyUrl, 1, warmup);
        const emptyReqPerSec = (await load(emptyUrl, 1, seconds)).reqPerSec;
        const copyEventsPerSec = await rawCopy(copyEvents);
        log(
          `baselines: empty handler ${round(emptyReqPerSec, 0)} req/s, raw COPY ${round(copyEventsPerSec, 0)} events/s`,
        );
        return { emptyReqPerSec, copyEventsPerSec };
      },
      rates: (b) => ({ empty: b.emptyReqPerSec, copy: b.copyEventsPerSec }),
      measure: async () => ({
        batched: await ingestRun(api, schema, BATCH, warmup, seconds),
        single: await ingestRun(api, schema, 1, warmup, seconds),
      }),
      repeats: full ? 3 : 1,
      retries: full ? 2 : 0,
      log,
    });
    peakKb = await api.stop();
    // The first window leaves at least half the backlog to the second.
    const backlog = await countInbox(schema, 'event_inbox_pending');
    const proc = await processing(schema, definitionsDir, full ? 60 : 15, 1, backlog / 2);
    log(
      `processing, one worker: ${round(proc.eventsPerSec, 0)} events/s (${stageLine(proc.stages)})`,
    );
    const proc2 = await processing(schema, definitionsDir, full ? 60 : 15, 2, 0);
    log(
      `processing, two workers: ${round(proc2.eventsPerSec, 0)} events/s (${stageLine(proc2.stages)})`,
    );
    printFigure(result(scale, runs, proc, proc2, peakKb, seconds));
  } finally {
    if (peakKb === null) await api.stop();
    await empty?.stop();
    await dropSchema(schema);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
