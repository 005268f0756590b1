import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBenchDatabase } from './lib/bench-db';
import { runChild } from './lib/child';
import { printFigure } from './lib/figure';
import { cpuMs } from './lib/proc-status';
import { sandwiches } from './lib/sandwich';
import { benchScale, scaled } from './lib/scale';
import {
  LOAD_CPU,
  Service,
  startBareHttp,
  startEmptyHandler,
  startTraitbase,
  startWsFanout,
} from './lib/services';
import { percentile, round } from './lib/stats';
import { createKeys, ensureDataset, TRAITS, warm } from './profile-read/dataset';
import type { FanoutArgs, FanoutReport } from './profile-read/fanout.child';
import type { LoadArgs, LoadReport } from './profile-read/load.child';
import type { Op, OpsArgs, OpsReport } from './profile-read/ops.child';
import { bearer, graphqlBody, ReadTarget, restPath } from './profile-read/requests';
import { Baselines, Load, Measured, profileReadResult, Settings } from './profile-read/result';

// bench/profile-read (issue #10): REST and GraphQL reads of a 10-trait profile at 50 connections,
// cache hit and miss; write → 1,000-subscriber fan-out; one-row writeTraits latency; against a bare
// node:http server, an empty handler on our adapter, Redis GET, a primary-key lookup and a raw `ws`
// fan-out, all in the same run. Services run pinned to CPU0, this process and its load generators
// to CPU1.
const PROFILES = 100_000;
// Profiles the cache-hit runs read in turn: all of them stay in the cache.
const HOT = 1_000;
const SUBSCRIBERS = 1_000;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (message: string) => process.stderr.write(`[profile-read] ${message}\n`);

function settings(scale: number): Settings {
  const full = scale >= 0.5;
  return {
    scale,
    profiles: scaled(PROFILES, scale),
    hot: Math.min(HOT, scaled(PROFILES, scale) - 1),
    connections: 50,
    // A smoke run proves the script works: short windows, fewer probe calls and writes.
    warmupSeconds: full ? 3 : 1,
    seconds: full ? 10 : 2,
    probes: full ? 5_000 : 500,
    writes: full ? 100 : 20,
    subscribers: SUBSCRIBERS,
    pgPool: 10,
  };
}

async function main(): Promise<void> {
  const scale = benchScale();
  const s = settings(scale);
  execFileSync('taskset', ['-cp', LOAD_CPU, String(process.pid)], { stdio: 'ignore' });
  await ensureBenchDatabase();
  const schema = await ensureDataset(s.profiles, log);
  const [readKey, writeKey] = await createKeys(schema, 'profile:read', 'traits:write');
  // The written profile is outside the hot set, so writes never invalidate what the reads hit.
  const writeProfile = s.profiles;
  const writeTrait = TRAITS.find((t) => t.name === 'level')!.name;
  const definitions = mkdtempSync(join(tmpdir(), 'tb-bench-profile-read-'));
  const services: Service[] = [];
  const start = async (p: Promise<Service>) => {
    const svc = await p;
    services.push(svc);
    return svc;
  };
  let apiPeakKb: number | null = null;
  try {
    const api = await start(startTraitbase(schema, 'api', join(definitions, 'none')));
    const apiMiss = await start(
      startTraitbase(schema, 'api', join(definitions, 'none'), { PROFILE_CACHE_SIZE: '0' }),
    );
    const auth = bearer(readKey);
    const rest = (url: string, first = 1, profiles = s.hot): ReadTarget => ({
      kind: 'rest',
      url,
      authorization: auth,
      first,
      profiles,
    });
    const gql = (url: string): ReadTarget => ({
      kind: 'graphql',
      url,
      authorization: auth,
      first: 1,
      profiles: s.hot,
    });

    // What every server answers: the REST body of profile u1, checked to hold its ten traits.
    const body = await sample(api.url, auth);
    const bare = await start(startBareHttp(body));
    const empty = await start(startEmptyHandler(body));
    const pushBytes = (
      await fanout({
        kind: 'graphql',
        url: api.url,
        readKey,
        writeKey,
        profile: writeProfile,
        trait: writeTrait,
        subscribers: 1,
        warmup: 0,
        writes: 1,
      })
    ).pushBytes;
    const wsServer = await start(startWsFanout(pushBytes));
    await warm(schema);

    // The service's CPU time is read around the run: its cost per request, however much of
    // CPU0 others took meanwhile.
    const load = async (svc: Service, target: ReadTarget, rate?: number): Promise<Load> => {
      const cpu0 = cpuMs(svc.pid);
      // At a given rate: an open-loop, evenly paced generator (paced.child.ts says why not autocannon).
      const script = rate
        ? 'bench/profile-read/paced.child.ts'
        : 'bench/profile-read/load.child.ts';
      const r = await runChild<LoadArgs, LoadReport>(script, {
        target,
        connections: s.connections,
        warmupSeconds: s.warmupSeconds,
        seconds: s.seconds,
        rate,
      });
      const cpu1 = cpuMs(svc.pid);
      if (r.non2xx > 0 || r.errors > 0)
        throw new Error(`${target.kind} ${target.url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      const cpuMsPerReq =
        cpu0 === undefined || cpu1 === undefined ? null : (cpu1 - cpu0) / (r.warmupOk + r.ok);
      return { ...r, cpuMsPerReq };
    };
    const ops = (op: Op, concurrency: number) =>
      runChild<OpsArgs, OpsReport>('bench/profile-read/ops.child.ts', {
        op,
        concurrency,
        warmup: concurrency === 1 ? Math.min(200, s.probes) : 1_000,
        ...(concurrency === 1 ? { count: s.probes } : { seconds: s.seconds }),
      });
    const redisOp: Op = { kind: 'redis', redisUrl: REDIS_URL, body, keys: s.hot };
    const pgOp: Op = { kind: 'pg', schema, profiles: s.profiles, pool: s.pgPool };

    const runs = await sandwiches<Baselines, Measured>({
      baseline: async () => {
        const b: Baselines = {
          bare: await load(bare, rest(bare.url)),
          empty: await load(empty, rest(empty.url)),
          redis: await ops(redisOp, s.connections),
          pg: await ops(pgOp, s.connections),
          bareProbe: await ops({ kind: 'http', target: rest(bare.url) }, 1),
          redisProbe: await ops(redisOp, 1),
          wsFanout: await fanout({
            kind: 'ws',
            url: wsServer.url,
            subscribers: s.subscribers,
            warmup: 3,
            writes: s.writes,
          }),
        };
        log(
          `baselines: bare ${round(b.bare.reqPerSec, 0)} req/s, empty handler ${round(b.empty.reqPerSec, 0)} req/s, ` +
            `Redis GET ${round(b.redis.opsPerSec, 0)}/s, pg lookup ${round(b.pg.opsPerSec, 0)}/s, ` +
            `unloaded p99 bare ${b.bareProbe.p99Ms.toFixed(3)} ms / Redis ${b.redisProbe.p99Ms.toFixed(3)} ms, ` +
            `ws fan-out p99 ${round(percentile(b.wsFanout.lastMs, 0.99), 2)} ms`,
        );
        return b;
      },
      rates: (b) => ({
        bare: b.bare.reqPerSec,
        empty: b.empty.reqPerSec,
        redis: b.redis.opsPerSec,
        pg: b.pg.opsPerSec,
      }),
      measure: async () => {
        const graphql = await load(api, gql(api.url));
        const m: Measured = {
          restHit: await load(api, rest(api.url)),
          restMiss: await load(apiMiss, rest(apiMiss.url, 1, s.profiles - 1)),
          graphql,
          graphqlHalf: await load(api, gql(api.url), graphql.reqPerSec / 2),
          restProbe: await ops({ kind: 'http', target: rest(api.url) }, 1),
          writeProbe: await ops(
            {
              kind: 'write',
              url: api.url,
              authorization: bearer(writeKey),
              profile: writeProfile,
              trait: writeTrait,
            },
            1,
          ),
          fanout: await fanout({
            kind: 'graphql',
            url: api.url,
            readKey,
            writeKey,
            profile: writeProfile,
            trait: writeTrait,
            subscribers: s.subscribers,
            warmup: 3,
            writes: s.writes,
          }),
        };
        log(
          `REST hit ${round(m.restHit.reqPerSec, 0)} req/s, miss ${round(m.restMiss.reqPerSec, 0)} req/s, ` +
            `GraphQL ${round(m.graphql.reqPerSec, 0)} req/s (p99 ${m.graphqlHalf.p99Ms} ms at half), ` +
            `REST unloaded p99 ${m.restProbe.p99Ms.toFixed(3)} ms, writeTraits p50/p99 ${m.writeProbe.p50Ms.toFixed(2)}/${m.writeProbe.p99Ms.toFixed(2)} ms, ` +
            `fan-out p99 ${round(percentile(m.fanout.lastMs, 0.99), 2)} ms`,
        );
        return m;
      },
      repeats: 3,
      retries: scale >= 0.5 ? 2 : 0,
      log,
    });
    apiPeakKb = await api.stop();
    printFigure(profileReadResult(s, runs, pushBytes, apiPeakKb));
  } finally {
    for (const svc of services) await svc.stop();
  }
}

function fanout(args: FanoutArgs): Promise<FanoutReport> {
  return runChild<FanoutArgs, FanoutReport>('bench/profile-read/fanout.child.ts', args);
}

// One REST and one GraphQL read through the product: both must show the profile's ten traits.
async function sample(url: string, authorization: string): Promise<string> {
  const headers = { authorization, 'content-type': 'application/json' };
  const res = await fetch(`${url}${restPath(1)}`, { headers });
  const body = await res.text();
  const traits = Object.keys((JSON.parse(body) as { traits?: object }).traits ?? {});
  if (res.status !== 200 || traits.length !== TRAITS.length)
    throw new Error(`REST read of u1: ${res.status} ${body.slice(0, 300)}`);
  const g = await fetch(`${url}/graphql`, { method: 'POST', headers, body: graphqlBody(1) });
  const data = (await g.json()) as { data?: { profile?: { traits: unknown[] } }; errors?: unknown };
  if (data.data?.profile?.traits.length !== TRAITS.length)
    throw new Error(`GraphQL read of u1: ${JSON.stringify(data).slice(0, 300)}`);
  log(`a profile read answers ${Buffer.byteLength(body)} bytes over REST`);
  return body;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
