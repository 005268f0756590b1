import Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { Agent } from 'node:http';
import { Pool } from 'pg';
import { BENCH_DATABASE_URL } from '../lib/bench-db';
import { childArgs, runAsChild, settleHeap } from '../lib/child';
import { runQueueWaitMs } from '../lib/proc-status';
import { percentile } from '../lib/stats';
import { httpCall } from './http-call';
import { ReadTarget, readRequest, writeBody } from './requests';

// Closed-loop callers timed with hrtime, one process on the load CPU: the raw anchors (a Redis GET
// of the profile's JSON, a primary-key lookup in Postgres) and the unloaded probes of our own
// routes (1 caller, 1 keep-alive connection: sub-millisecond p50/p99 that autocannon rounds away).
export type Op =
  | { kind: 'redis'; redisUrl: string; body: string; keys: number }
  | { kind: 'pg'; schema: string; profiles: number; pool: number }
  | { kind: 'http'; target: ReadTarget }
  | { kind: 'write'; url: string; authorization: string; profile: number; trait: string };

export interface OpsArgs {
  op: Op;
  concurrency: number;
  warmup: number;
  // A timed window in seconds, or a number of calls (probes).
  seconds?: number;
  count?: number;
}

export interface OpsReport {
  ops: number;
  seconds: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  // Share of the timed window this process spent waiting for a CPU (null where /proc is absent).
  runQueueShare: number | null;
}

// md5('p' || n)::uuid, as the dataset's profile ids.
function profileId(n: number): string {
  const h = createHash('md5').update(`p${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function operation(
  op: Op,
  concurrency: number,
): Promise<{ call: (i: number) => Promise<unknown>; close: () => void | Promise<void> }> {
  switch (op.kind) {
    case 'redis': {
      const redis = new Redis(op.redisUrl);
      const keys = Array.from({ length: op.keys }, (_, i) => `bench:profile-read:${i}`);
      for (const k of keys) await redis.set(k, op.body, 'EX', 3600);
      return {
        call: (i) => redis.get(keys[i % keys.length]),
        close: () => redis.disconnect(),
      };
    }
    case 'pg': {
      const pool = new Pool({
        connectionString: BENCH_DATABASE_URL,
        max: op.pool,
        options: `-c search_path=${op.schema}`,
      });
      const ids = Array.from({ length: op.profiles }, (_, i) => profileId(i + 1));
      return {
        call: async (i) => {
          const { rowCount } = await pool.query({
            name: 'pk',
            text: 'SELECT id, revision FROM profile WHERE id = $1',
            values: [ids[(i * 7919) % ids.length]],
          });
          if (rowCount !== 1) throw new Error(`primary-key lookup found ${rowCount} rows`);
        },
        close: () => pool.end(),
      };
    }
    case 'http': {
      const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
      const base = new URL(op.target.url);
      const headers = {
        'content-type': 'application/json',
        authorization: op.target.authorization,
      };
      return {
        call: (i) => {
          const r = readRequest(op.target, i);
          return httpCall(agent, base, r.method, r.path, headers, r.body);
        },
        close: () => agent.destroy(),
      };
    }
    case 'write': {
      const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
      const base = new URL(op.url);
      const headers = { 'content-type': 'application/json', authorization: op.authorization };
      // A new value every call, so every write is a real change (one revision).
      const start = Date.now() % 1_000_000;
      return {
        call: async (i) => {
          const text = await httpCall(
            agent,
            base,
            'POST',
            '/graphql',
            headers,
            writeBody(op.profile, op.trait, start + i),
          );
          const r = JSON.parse(text) as {
            data?: { writeTraits: { revisions: number } };
            errors?: unknown;
          };
          if (r.data?.writeTraits.revisions !== 1)
            throw new Error(`writeTraits: ${text.slice(0, 300)}`);
        },
        close: () => agent.destroy(),
      };
    }
  }
}

runAsChild<OpsReport>(async () => {
  const args = childArgs<OpsArgs>();
  const { call, close } = await operation(args.op, args.concurrency);
  try {
    let next = 0;
    for (let i = 0; i < args.warmup; i++) await call(next++);
    settleHeap();
    const latencies: number[] = [];
    const wait0 = runQueueWaitMs();
    const t0 = process.hrtime.bigint();
    const deadline =
      args.seconds === undefined ? undefined : t0 + BigInt(Math.round(args.seconds * 1e9));
    const left = () =>
      deadline === undefined
        ? latencies.length + inFlight < args.count!
        : process.hrtime.bigint() < deadline;
    let inFlight = 0;
    const caller = async () => {
      while (left()) {
        inFlight++;
        const s = process.hrtime.bigint();
        await call(next++);
        latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
        inFlight--;
      }
    };
    await Promise.all(Array.from({ length: args.concurrency }, caller));
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const wait1 = runQueueWaitMs();
    return {
      ops: latencies.length,
      seconds,
      opsPerSec: latencies.length / seconds,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      p999Ms: percentile(latencies, 0.999),
      maxMs: latencies.reduce((a, b) => Math.max(a, b), 0),
      runQueueShare:
        wait0 === undefined || wait1 === undefined ? null : (wait1 - wait0) / 1000 / seconds,
    };
  } finally {
    await close();
  }
});
