import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
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

  async syncSchedules(): Promise<{ scheduled: number; removed: number }> {
    const wanted = new Map<string, { id: string; pattern: string }>();
    for (const a of await this.directory.active()) {
      const pattern = scheduleOf(a);
      if (pattern && !cronProblem(pattern))
        wanted.set(`${SCHEDULER_PREFIX}${a.id}`, { id: a.id, pattern });
    }
    let changed = 0;
    for (const [key, s] of wanted) {
      const current = await this.queue.getJobScheduler(key);
      if (current?.pattern === s.pattern) continue;
      changed += 1;
      await this.queue.upsertJobScheduler(
        key,
        { pattern: s.pattern, tz: 'UTC' },
        {
          name: EVALUATE_JOB,
          data: { audienceId: s.id, trigger: 'schedule' } satisfies EvaluateAudienceJob,
          opts: EVALUATE_JOB_OPTS,
        },
      );
    }
    let removed = 0;
    for (const scheduler of await this.queue.getJobSchedulers(0, -1)) {
      const key = scheduler.id ?? scheduler.key;
      if (key.startsWith(SCHEDULER_PREFIX) && !wanted.has(key)) {
        await this.queue.removeJobScheduler(key);
        removed += 1;
      }
    }
    if (changed + removed > 0)
      this.logger.log(
        `audience schedules: ${wanted.size} scheduled (${changed} new or changed), ${removed} removed`,
      );
    return { scheduled: wanted.size, removed };
  }
}
