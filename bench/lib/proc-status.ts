import { readFileSync } from 'node:fs';

// Peak resident set size (VmHWM) of a process in kB, from /proc; undefined where /proc is absent.
export function vmHwmKb(pid: number | 'self' = 'self'): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

// Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux).
const CLOCK_TICKS = 100;

// CPU time (user + system) a process has used so far, in ms, from /proc; undefined where absent.
// Read around a load run, it gives the service's CPU cost per request whatever else shares the CPU.
export function cpuMs(pid: number | 'self' = 'self'): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

// Time a process has spent runnable but waiting for a CPU (run-queue wait, ms, from
// /proc/<pid>/schedstat); undefined where absent. On a shared machine this is what puts a tail
// on sub-millisecond latencies that has nothing to do with the operation measured.
export function runQueueWaitMs(pid: number | 'self' = 'self'): number | undefined {
  try {
    const [, waitNs] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/);
    return Number(waitNs) / 1e6;
  } catch {
    return undefined;
  }
}
