import { countRows, withClient } from '../lib/bench-db';
import type { Latency } from '../lib/latency';
import type { VcpuPauses } from '../lib/vcpu-pauses';

// What both children are told: where, how many observations, in which batches, and the latency probe.
export interface IdentityLoadArgs {
  schema: string;
  observations: number;
  batchSize: number;
  probe: number;
}

export interface LoadReport {
  seconds: number;
  observations: number;
  // Counted by the server after the load.
  counts: Record<string, number>;
  latency: Latency;
  // Backends pinned with the probing process to PROBE_CPU (bench/lib/probe-cpu.ts); null: unpinned.
  pinnedBackends: number | null;
  // The probe CPU's pauses, measured just before the primary-key lookup (baselines only).
  pauses?: VcpuPauses;
}

export function elapsedSeconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
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
