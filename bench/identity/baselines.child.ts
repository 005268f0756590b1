import { Client } from 'pg';
import {
  BENCH_DATABASE_URL,
  checkpoint,
  countRows,
  prewarmSchema,
  vacuumAnalyze,
} from '../lib/bench-db';
import { childArgs, runAsChild, settleHeap } from '../lib/child';
import { probeLatency } from '../lib/latency';
import { mulberry32 } from '../lib/prng';
import { pinProbe, probeApplicationName } from '../lib/probe-cpu';
import { measureVcpuPauses } from '../lib/vcpu-pauses';
import { batches, observation } from './dataset';
import { elapsedSeconds, IdentityLoadArgs, LoadReport } from './phases';

// The identity table's shape, without anything identity resolution adds.
const CREATE = `
CREATE TABLE raw_identity (
  type text NOT NULL, value text NOT NULL, profile_id uuid NOT NULL, source_kind text NOT NULL,
  first_seen_at timestamptz NOT NULL DEFAULT now(), last_seen_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT raw_identity_pk PRIMARY KEY (type, value));
CREATE INDEX raw_identity_profile_id_idx ON raw_identity (profile_id)`;

// The same identities, one unnest-array upsert per batch: what storing them costs without resolving.
const UPSERT = `
INSERT INTO raw_identity (type, value, profile_id, source_kind)
SELECT t, v, gen_random_uuid(), 'bench' FROM unnest($1::text[], $2::text[]) AS u(t, v)
ON CONFLICT (type, value) DO UPDATE SET last_seen_at = now()`;

const LOOKUP = 'SELECT profile_id FROM raw_identity WHERE type = $1 AND value = $2';
// Untimed lookups before the probe, enough for V8 to finish compiling the client's hot path: with
// 200, 1–4% of the next 2,000 lookups took 1–2 ms while compilation ran beside them (p99 ~1.7 ms
// against a p50 of ~0.1 ms; the same with `SELECT 1`, gone under --jitless and after ~3,000 calls),
// while the resolver's probe runs in a process that has just made a million calls.
const WARM_UP = 5_000;

interface Identity {
  type: string;
  value: string;
}

// `counts` lists of random identities of the dataset (the first of an observation). Observations are
// generated in windows, so picks are made in window order and put back in their random order: one
// window generated per window touched, not one per pick (that garbage was what collections spent
// inside the probe's timed calls when the picks were made between them).
function pickIdentities(observations: number, ...counts: number[]): Identity[][] {
  const rnd = mulberry32(42);
  const picks = counts.map((n) =>
    Array.from({ length: n }, () => Math.floor(rnd() * observations)),
  );
  const order = picks.flat().sort((a, b) => a - b);
  const found = new Map(order.map((n) => [n, (observation(n).identities as Identity[])[0]]));
  return picks.map((list) => list.map((n) => found.get(n)!));
}

// Baselines of the identity figure: unnest upsert of the same identities (throughput) and a
// primary-key lookup of one identity (latency), on one connection, in this process.
runAsChild<LoadReport>(async () => {
  const args = childArgs<IdentityLoadArgs>();
  const client = new Client({
    connectionString: BENCH_DATABASE_URL,
    options: `-c search_path=${args.schema}`,
    application_name: probeApplicationName(),
  });
  await client.connect();
  try {
    await client.query(CREATE);
    await checkpoint(client);
    let seconds = 0;
    for (const batch of batches(0, args.observations, args.batchSize)) {
      const unique = new Map<string, { type: string; value: string }>();
      for (const o of batch) {
        for (const i of o.identities as { type: string; value: string }[]) {
          unique.set(`${i.type}\u0000${i.value}`, i);
        }
      }
      const ids = [...unique.values()];
      const start = process.hrtime.bigint();
      await client.query(UPSERT, [ids.map((i) => i.type), ids.map((i) => i.value)]);
      seconds += elapsedSeconds(start);
    }
    await vacuumAnalyze(client, args.schema);
    await prewarmSchema(client, args.schema);
    // Inputs generated before timing, the heap settled, the statement prepared and its path warmed
    // by lookups not timed: the probe times only the round trip and the index probe.
    const [warm, probes] = pickIdentities(args.observations, WARM_UP, args.probe);
    for (const id of warm)
      await client.query({ name: 'pk', text: LOOKUP, values: [id.type, id.value] });
    // The load's dirty pages flushed now, not by a checkpoint running during the probe.
    await checkpoint(client);
    const pinnedBackends = await pinProbe((sql, params) =>
      client.query<{ pid: number }>(sql, params).then((r) => r.rows),
    );
    settleHeap();
    const pauses = measureVcpuPauses();
    const latency = await probeLatency(probes, (id) =>
      client.query({ name: 'pk', text: LOOKUP, values: [id.type, id.value] }),
    );
    const counts = { identities: await countRows(client, 'raw_identity') };
    return { seconds, observations: args.observations, counts, latency, pinnedBackends, pauses };
  } finally {
    await client.end();
  }
});
