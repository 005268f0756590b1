import { performance } from 'node:perf_hooks';

// How often the CPU this process runs on stops running it, measured by spinning: the clock is read
// in a tight loop that allocates nothing (so no collection runs inside it), and any gap between two
// reads is time the thread did not run — an interrupt, another thread or process on that CPU, a
// vCPU the host preempted. Beside a latency probe it says how much of the probe CPU was missing.
export interface VcpuPauses {
  seconds: number;
  // Gaps over 0.1 ms, and over 0.5 ms, per second.
  perSecond: number;
  over500usPerSecond: number;
  maxMs: number;
  // Share of the time spent in those gaps.
  pausedShare: number;
}

const GAP_MS = 0.1;
const LONG_MS = 0.5;
// Spun first, untimed, so the loop is compiled before it counts.
const WARM_UP_MS = 300;

function spin(ms: number): VcpuPauses {
  const t0 = performance.now();
  let last = t0;
  let gaps = 0;
  let long = 0;
  let paused = 0;
  let max = 0;
  for (;;) {
    const now = performance.now();
    const gap = now - last;
    if (gap > GAP_MS) {
      gaps += 1;
      paused += gap;
      if (gap > LONG_MS) long += 1;
      if (gap > max) max = gap;
    }
    last = now;
    if (now - t0 >= ms) break;
  }
  const seconds = (last - t0) / 1000;
  return {
    seconds,
    perSecond: gaps / seconds,
    over500usPerSecond: long / seconds,
    maxMs: max,
    pausedShare: paused / 1000 / seconds,
  };
}

// Spins for `seconds` on this thread (nothing else runs in the process meanwhile).
export function measureVcpuPauses(seconds = 2): VcpuPauses {
  spin(WARM_UP_MS);
  return spin(seconds * 1000);
}
