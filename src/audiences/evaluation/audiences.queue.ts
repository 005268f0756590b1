import { DomainError, ErrorCode } from '../../common/errors/domain-error';

export const AUDIENCES_QUEUE = 'audiences';
export const EVALUATE_JOB = 'evaluate';
export const SCHEDULER_PREFIX = 'audience:';
// Rules with time windows are re-evaluated in full on this cron unless the audience sets its own.
export const DEFAULT_WINDOW_SCHEDULE = '*/15 * * * *';
// How often each worker brings the job schedulers in line with the audiences.
export const SCHEDULE_SYNC_MS = 60_000;

export type EvaluationTrigger = 'save' | 'schedule' | 'manual' | 'start';
const TRIGGERS: readonly EvaluationTrigger[] = ['save', 'schedule', 'manual', 'start'];

export interface EvaluateAudienceJob {
  audienceId: string;
  trigger: EvaluationTrigger;
}

// A failed evaluation is a recorded run; the next save, tick or trigger runs it again.
export const EVALUATE_JOB_OPTS = { attempts: 1, removeOnComplete: 1000, removeOnFail: 5000 };

// Queue data outlives deploys: check the shape before use.
export function parseEvaluateJob(data: unknown): EvaluateAudienceJob {
  const d = (data ?? {}) as Partial<EvaluateAudienceJob>;
  if (typeof d.audienceId !== 'string' || !/^[0-9a-f-]{36}$/.test(d.audienceId)) {
    throw new DomainError(ErrorCode.INVALID_INPUT, 'job.audienceId: must be an audience id');
  }
  if (!TRIGGERS.includes(d.trigger as EvaluationTrigger)) {
    throw new DomainError(
      ErrorCode.INVALID_INPUT,
      `job.trigger: must be one of ${TRIGGERS.join(', ')}`,
    );
  }
  return { audienceId: d.audienceId, trigger: d.trigger as EvaluationTrigger };
}
