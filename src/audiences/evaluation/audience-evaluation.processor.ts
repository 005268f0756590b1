import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { DomainError } from '../../common/errors/domain-error';
import { AUDIENCES_QUEUE, EVALUATE_JOB, parseEvaluateJob } from './audiences.queue';
import { FullEvaluator } from './full-evaluation.service';

// Full evaluations, one at a time per worker process (each is one large statement). Started
// only in worker roles (AudienceWorker).
@Processor(AUDIENCES_QUEUE, { autorun: false, concurrency: 1 })
export class AudienceEvaluationProcessor extends WorkerHost {
  private readonly logger = new Logger(AudienceEvaluationProcessor.name);

  constructor(private readonly evaluator: FullEvaluator) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    if (job.name !== EVALUATE_JOB) throw new UnrecoverableError(`unknown job ${job.name}`);
    let data;
    try {
      data = parseEvaluateJob(job.data);
    } catch (err) {
      if (err instanceof DomainError) throw new UnrecoverableError(err.message);
      throw err;
    }
    const trigger = job.repeatJobKey ? 'schedule' : data.trigger;
    this.logger.debug(`job ${job.id}: evaluate audience ${data.audienceId} (${trigger})`);
    const done = await this.evaluator.evaluate(data.audienceId, trigger);
    return done ? { runId: done.runId, size: done.size } : { skipped: true };
  }
}
