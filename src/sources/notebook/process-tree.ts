import { readdirSync, readFileSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  state: string;
  // Start time in clock ticks since boot: with pid, identifies a process across pid reuse.
  start: number;
}

// /proc/<pid>/stat: "pid (comm) state ppid pgrp session …"; comm may contain spaces and parens.
export function parseStat(text: string): ProcInfo | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text.slice(close + 2).split(' ');
  const [state, ppid, pgid, sid] = fields;
  return {
    pid: Number.parseInt(text, 10),
    ppid: Number(ppid),
    pgid: Number(pgid),
    sid: Number(sid),
    state,
    start: Number(fields[19]),
  };
}

export function listProcesses(): ProcInfo[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ProcInfo[] = [];
  for (const entry of entries) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const info = parseStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (info) out.push(info);
    } catch {
      // The process exited between readdir and read.
    }
  }
  return out;
}

// Processes still running (zombies are dead, only waiting to be reaped) in any of the groups or
// sessions.
export function aliveIn(groups: ReadonlySet<number>, procs = listProcesses()): ProcInfo[] {
  return procs.filter((p) => p.state !== 'Z' && (groups.has(p.pgid) || groups.has(p.sid)));
}

function descendants(root: number, procs: ProcInfo[]): ProcInfo[] {
  const found: ProcInfo[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const parent = frontier.pop()!;
    for (const p of procs) {
      if (p.ppid === parent) {
        found.push(p);
        frontier.push(p.pid);
      }
    }
  }
  return found;
}

const ownGroups = (): Set<number> => {
  const self = listProcesses().find((p) => p.pid === process.pid);
  return new Set([1, self?.pgid ?? process.pid, self?.sid ?? process.pid].filter((n) => n > 0));
};

// Remembers every process group a child started (Jupyter starts its kernel in a new session, so
// killing the child's own group is not enough) and kills them all with SIGKILL. Only groups that
// still hold a process seen as a descendant (same pid and start time) are killed, so a group id
// reused by an unrelated process later is left alone.
export class ProcessGroups {
  readonly groups = new Set<number>();
  private readonly known = new Map<number, number>();
  private readonly protectedGroups = ownGroups();

  constructor(private readonly rootPid: number) {
    this.groups.add(rootPid);
    this.track();
  }

  track(): void {
    const procs = listProcesses();
    const root = procs.find((p) => p.pid === this.rootPid);
    for (const p of root ? [root, ...descendants(this.rootPid, procs)] : []) {
      this.known.set(p.pid, p.start);
      this.add(p.pgid);
      this.add(p.sid);
    }
  }

  // Kills every group of the run until none of their members is left (bounded passes).
  async killAll(): Promise<void> {
    this.track();
    const ours = listProcesses().filter((p) => this.known.get(p.pid) === p.start);
    const targets = new Set(ours.flatMap((p) => [p.pgid, p.sid]).filter((g) => this.groups.has(g)));
    for (let pass = 0; pass < 10 && targets.size > 0; pass += 1) {
      for (const group of targets) {
        try {
          process.kill(-group, 'SIGKILL');
        } catch {
          // ESRCH: the group is already gone.
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      const left = aliveIn(targets);
      if (left.length === 0) return;
      for (const p of left) if (this.isKillable(p.pgid)) targets.add(p.pgid);
    }
  }

  private isKillable(group: number): boolean {
    return group > 1 && !this.protectedGroups.has(group);
  }

  private add(group: number): void {
    if (this.isKillable(group)) this.groups.add(group);
  }
}
