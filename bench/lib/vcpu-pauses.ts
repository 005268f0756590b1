// How often the CPU this process runs on stops running it, measured by spinning: the clock is read
// in a tight loop, and any gap between two reads is time the thread did not run (a preempted vCPU,
// an interrupt). On an idle machine with no other work a gap over 0.1 ms has no other cause; on the
// microVMs these figures run on they come ~30 times a second, up to ~5 ms, 2% of the time: a call of
// ~0.1 ms that meets one is 10–50× its median, so 1–3% of a short call's samples carry one.
export interface VcpuPauses {
  seconds: number;
  // Gaps over 0.1 ms and over 0.5 ms, per second.
  perSecond: number;
  over500usPerSecond: number;
  maxMs: number;
  // Share of the time spent in those gaps.
  pausedShare: number;
}

const GAP_NS = 100_000n;
const LONG_NS = 500_000n;

// Spins for `seconds` on this thread (nothing else runs in the process meanwhile).
export function measureVcpuPauses(seconds = 2): VcpuPauses {
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(Math.round(seconds * 1e9));
  let last = t0;
  let gaps = 0;
  let long = 0;
  let paused = 0n;
  let max = 0n;
  for (;;) {
    const now = process.hrtime.bigint();
    const gap = now - last;
    if (gap > GAP_NS) {
      gaps += 1;
      paused += gap;
      if (gap > LONG_NS) long += 1;
      if (gap > max) max = gap;
    }
    last = now;
    if (now >= end) break;
  }
  const elapsed = Number(last - t0) / 1e9;
  return {
    seconds: elapsed,
    perSecond: gaps / elapsed,
    over500usPerSecond: long / elapsed,
    maxMs: Number(max) / 1e6,
    pausedShare: Number(paused) / 1e9 / elapsed,
  };
}
