import { countRows, withClient } from '../lib/bench-db';

// What both children are told: where, how many observations, in which batches, and the latency probe.
export interface IdentityLoadArgs {
  schema: string;
  observations: number;
  batchSize: number;
  probe: number;
}

export interface Latency {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

export interface LoadReport {
  seconds: number;
  observations: number;
  // Counted by the server after the load.
  counts: Record<string, number>;
  latency: Latency;
}

export function elapsedSeconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export function latencyOf(samplesNs: number[]): Latency {
  const sorted = [...samplesNs].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
  return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), p999Ms: at(0.999) };
}

export function countAll(
  schema: string,
  tables: Record<string, string>,
): Promise<Record<string, number>> {
  return withClient(async (c) => {
    const out: Record<string, number> = {};
    for (const [name, from] of Object.entries(tables)) out[name] = await countRows(c, from);
    return out;
  }, schema);
}
