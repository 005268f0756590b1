import { execFileSync } from 'node:child_process';

// The CPU a latency probe runs on: the probing process and the PostgreSQL backends serving it,
// together, so each round trip hands over on one CPU instead of waking the other (a primary-key
// lookup's p50 ~0.07 ms instead of ~0.10 in scratch runs). It does not remove the machine's own
// pauses (bench/lib/vcpu-pauses.ts), which the figure measures beside the probe.
export const PROBE_CPU = '1';

// The application_name a probing process gives its connections, so its backends can be found.
export function probeApplicationName(): string {
  return `bench-probe-${process.pid}`;
}

// Pins this process and its backends (connections named probeApplicationName()) to PROBE_CPU;
// returns how many backends were pinned, or null when taskset could not pin them (then the probe
// runs unpinned, and the report says so).
export async function pinProbe(
  query: (sql: string, params: unknown[]) => Promise<{ pid: number }[]>,
): Promise<number | null> {
  const backends = await query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [
    probeApplicationName(),
  ]);
  try {
    for (const pid of [process.pid, ...backends.map((b) => b.pid)])
      execFileSync('taskset', ['-cp', PROBE_CPU, String(pid)], { stdio: 'ignore' });
    return backends.length;
  } catch {
    return null;
  }
}
