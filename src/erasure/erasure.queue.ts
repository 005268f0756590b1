import { JobsOptions, UnrecoverableError } from 'bullmq';

export const ERASURE_QUEUE = 'erasure';
export const ERASE_JOB = 'erase';

// A failing erasure (a deadlock, Postgres restarting) is tried again for about ten minutes before
// its request is marked failed.
export const ERASURE_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: 1000,
  removeOnFail: 5000,
};

export interface EraseJob {
  requestId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Queue data outlives deploys: check it before use; a malformed job is never retried.
export function parseEraseJob(data: unknown): EraseJob {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (typeof d.requestId !== 'string' || !UUID.test(d.requestId)) {
    throw new UnrecoverableError('job.requestId: must be an erasure request id (uuid)');
  }
  return { requestId: d.requestId };
}

// One job per request: adding it again (the sweep, a retried request) is a no-op while it exists.
export function eraseJobId(requestId: string): string {
  return `erase-${requestId}`;
}
