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
