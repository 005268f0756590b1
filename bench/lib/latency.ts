export interface Latency {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

// Percentiles of a latency probe, from its samples in nanoseconds (process.hrtime.bigint deltas).
export function latencyOf(samplesNs: number[]): Latency {
  const sorted = [...samplesNs].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
  return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), p999Ms: at(0.999) };
}
