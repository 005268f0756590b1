import { JobsOptions, UnrecoverableError } from 'bullmq';

// The source kind of dbt runs (run.source_kind) and trait definitions.
export const DBT_SOURCE_KIND = 'dbt';

export const DBT_QUEUE = 'dbt-sync';
export const DBT_SYNC_JOB = 'sync';

// Stated here (not only as queue defaults) so that the CLI's own Queue enqueues alike.
export const DBT_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: 1000,
  removeOnFail: 5000,
};

export type DbtSyncTrigger = 'schedule' | 'dbt' | 'manual';

export interface DbtSyncJob {
  // The source key: the model's dbt unique_id (run.source).
  source: string;
  trigger: DbtSyncTrigger;
  // The dbt invocation whose run_results triggered the sync (provenance).
  invocationId?: string;
  fullRefresh?: boolean;
}

const TRIGGERS: readonly string[] = ['schedule', 'dbt', 'manual'];

// Queue data outlives deploys: check it before use; a malformed job is never retried.
export function parseDbtSyncJob(data: unknown): DbtSyncJob {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (typeof d.source !== 'string' || d.source === '')
    throw new UnrecoverableError('job.source: must be a model key');
  if (typeof d.trigger !== 'string' || !TRIGGERS.includes(d.trigger)) {
    throw new UnrecoverableError(`job.trigger: must be one of ${TRIGGERS.join(', ')}`);
  }
  if (d.invocationId !== undefined && typeof d.invocationId !== 'string') {
    throw new UnrecoverableError('job.invocationId: must be a string');
  }
  if (d.fullRefresh !== undefined && typeof d.fullRefresh !== 'boolean') {
    throw new UnrecoverableError('job.fullRefresh: must be a boolean');
  }
  return {
    source: d.source,
    trigger: d.trigger as DbtSyncTrigger,
    invocationId: d.invocationId,
    fullRefresh: d.fullRefresh,
  };
}

// Job ids may not contain ':'. A dbt invocation syncs a model once however often its
// run_results are posted; manual triggers are unique per request.
export function dbtJobId(job: DbtSyncJob, nonce: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');
  const suffix = job.trigger === 'dbt' && job.invocationId ? job.invocationId : nonce;
  return `dbt-${job.trigger}-${safe(job.source)}-${safe(suffix)}${job.fullRefresh ? '-full' : ''}`;
}

export function schedulerId(source: string): string {
  return `dbt-schedule-${source.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}
