import type { DataSource } from 'typeorm';
import type { RunQueued } from './runnable-sources';

export interface RunRow {
  id: string;
  source_kind: string;
  source: string;
  status: string;
  error: string | null;
  rows_read: number;
  rows_changed: number;
  rows_unchanged: number;
  rows_rejected: number;
  high_water_mark: unknown;
  started_at: Date;
  finished_at: Date | null;
}

export interface WaitOutcome {
  run: RunRow | null; // the run, finished or (past the deadline) still running; null if none began
  finished: boolean;
}

const POLL_MS = 500;

const LATEST = `
SELECT id, source_kind, source, status, error, rows_read, rows_changed, rows_unchanged, rows_rejected,
  high_water_mark, started_at, finished_at
FROM run WHERE source_kind = $1 AND source = $2 AND started_at >= $3
ORDER BY started_at DESC LIMIT 1`;

// Waits for the run a trigger queued to finish, up to a deadline, reporting each poll's state.
export async function waitForRun(
  db: DataSource,
  queued: RunQueued,
  deadlineMs: number,
  onProgress: (run: RunRow | null, elapsedMs: number) => void = () => undefined,
): Promise<WaitOutcome> {
  const started = Date.now();
  for (;;) {
    const [run] = await db.query<RunRow[]>(LATEST, [queued.kind, queued.source, queued.queuedAt]);
    if (run && run.status !== 'running') return { run, finished: true };
    const elapsed = Date.now() - started;
    onProgress(run ?? null, elapsed);
    if (elapsed >= deadlineMs) return { run: run ?? null, finished: false };
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, deadlineMs - elapsed)));
  }
}

// One line of how far a run got, for a terminal or a log.
export function progressLine(
  kind: string,
  source: string,
  run: RunRow | null,
  elapsedMs: number,
): string {
  const seconds = Math.round(elapsedMs / 1000);
  if (!run) return `${kind} ${source}: queued, waiting for a worker (${seconds}s)`;
  return (
    `${kind} ${source}: ${run.status}, ${run.rows_read} read, ${run.rows_changed} changed, ` +
    `${run.rows_unchanged} unchanged, ${run.rows_rejected} rejected (${seconds}s)`
  );
}
