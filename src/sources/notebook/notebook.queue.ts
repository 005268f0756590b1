import { DomainError, ErrorCode } from '../../common/errors/domain-error';

export const NOTEBOOK_QUEUE = 'notebook';

export const NOTEBOOK_JOBS = {
  // Execute one notebook source (scheduled tick or a manual trigger).
  run: 'run',
} as const;

// Notebooks are heavy (a kernel each): one at a time per worker process; add worker replicas to scale.
export const NOTEBOOK_CONCURRENCY = 1;

export const SCHEDULER_PREFIX = 'notebook:';
// How often each worker re-reads the definitions into job schedulers.
export const SYNC_EVERY_MS = 60_000;

export interface RunNotebookJob {
  notebook: string;
}

// Queue data outlives deploys: check the shape before use.
export function parseRunNotebookJob(data: unknown): RunNotebookJob {
  const notebook = (data as { notebook?: unknown } | null)?.notebook;
  if (typeof notebook !== 'string' || notebook.length === 0) {
    throw new DomainError(ErrorCode.INVALID_INPUT, 'job.notebook: must be a notebook path');
  }
  return { notebook };
}
