import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { DBT_QUEUE, parseDbtSyncJob } from './dbt.queue';
import { DbtSyncService } from './sync/dbt-sync.service';

// While another run of the same source holds its lock, the job waits this long and tries again.
const BUSY_DELAY_MS = 5000;

export type DbtSyncJobResult =
  { runId: string; status: 'succeeded' } | { runId: null; status: 'waiting'; relation: string };

// Thin: validate the payload, run the sync, map the outcome onto BullMQ. A short lock makes a
// killed worker's job stalled (and picked up again) within ~20 s.
@Processor(DBT_QUEUE, {
  autorun: false,
  concurrency: 2,
  lockDuration: 10_000,
  stalledInterval: 10_000,
})
export class DbtSyncProcessor extends WorkerHost {
  constructor(private readonly sync: DbtSyncService) {
    super();
  }

  async process(job: Job, token?: string): Promise<DbtSyncJobResult> {
    const data = parseDbtSyncJob(job.data);
    const outcome = await this.sync.run(data);
    if (outcome.status === 'busy') {
      await job.moveToDelayed(Date.now() + BUSY_DELAY_MS, token);
      throw new DelayedError();
    }
    if (outcome.status === 'waiting') {
      return { runId: null, status: 'waiting', relation: outcome.relation };
    }
    // A failed run is logged with its reason where it is recorded (RunsService).
    if (outcome.status === 'failed') {
      throw outcome.retryable ? new Error(outcome.error) : new UnrecoverableError(outcome.error);
    }
    return { runId: outcome.runId, status: 'succeeded' };
  }
}
