import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { reconcileSchedules, ScheduleChanges, WantedSchedule } from '../../queue/job-schedules';
import { cronProblem } from '../../trait-definitions/rules/cron';
import { dependenciesOf } from '../rule/rule-walk';
import { AudienceDirectory } from '../storage/audience-directory.service';
import type { AudienceEntity } from '../storage/audience.entity';
import {
  AUDIENCES_QUEUE,
  DEFAULT_WINDOW_SCHEDULE,
  EVALUATE_JOB,
  EVALUATE_JOB_OPTS,
  EvaluateAudienceJob,
  EvaluationTrigger,
  SCHEDULER_PREFIX,
} from './audiences.queue';

// The schedule of an audience's full evaluations: its own cron, else the default when its rule
// has time windows (membership then moves while no input does), else none.
export function scheduleOf(a: Pick<AudienceEntity, 'schedule' | 'rule'>): string | null {
  if (a.schedule) return a.schedule;
  return dependenciesOf(a.rule).timeDependent ? DEFAULT_WINDOW_SCHEDULE : null;
}

// Queues full evaluations (on save, on demand) and keeps one BullMQ job scheduler per audience
// that needs a schedule; a scheduler makes one job per tick however many workers run.
@Injectable()
export class AudienceEvaluations {
  private readonly logger = new Logger(AudienceEvaluations.name);

  constructor(
    @InjectQueue(AUDIENCES_QUEUE) private readonly queue: Queue,
    private readonly directory: AudienceDirectory,
  ) {}

  async enqueue(audienceId: string, trigger: EvaluationTrigger): Promise<string> {
    const job = await this.queue.add(
      EVALUATE_JOB,
      { audienceId, trigger } satisfies EvaluateAudienceJob,
      EVALUATE_JOB_OPTS,
    );
    return job.id!;
  }

  // A full evaluation now, outside the schedule (evaluateAudience, `traitbase run`).
  async runNow(slug: string): Promise<string> {
    const audience = (await this.directory.bySlugMap()).get(slug);
    if (!audience || audience.archivedAt) {
      throw new DomainError(ErrorCode.NOT_FOUND, `no active audience is named ${slug}`);
    }
    return this.enqueue(audience.id, 'manual');
  }

  async syncSchedules(): Promise<ScheduleChanges> {
    const wanted: WantedSchedule[] = [];
    for (const a of await this.directory.active()) {
      const pattern = scheduleOf(a);
      if (!pattern || cronProblem(pattern)) continue;
      wanted.push({
        id: `${SCHEDULER_PREFIX}${a.id}`,
        pattern,
        name: EVALUATE_JOB,
        data: { audienceId: a.id, trigger: 'schedule' } satisfies EvaluateAudienceJob,
        opts: EVALUATE_JOB_OPTS,
      });
    }
    const changes = await reconcileSchedules(this.queue, SCHEDULER_PREFIX, wanted);
    if (changes.changed + changes.removed > 0) {
      this.logger.log(
        `audience schedules: ${changes.scheduled} scheduled (${changes.changed} new or changed), ${changes.removed} removed`,
      );
    }
    return changes;
  }
}
