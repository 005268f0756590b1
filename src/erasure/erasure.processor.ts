import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { ERASURE_QUEUE, parseEraseJob } from './erasure.queue';
import { ErasureService } from './erasure.service';

// Thin: validate the payload, run the erasure (idempotent), retry on error. A short lock makes a
// killed worker's job stalled and picked up again by another worker within ~20 s.
@Processor(ERASURE_QUEUE, {
  autorun: false,
  concurrency: 1,
  lockDuration: 10_000,
  stalledInterval: 10_000,
  maxStalledCount: 5,
})
export class ErasureProcessor extends WorkerHost {
  constructor(private readonly erasure: ErasureService) {
    super();
  }

  async process(job: Job): Promise<void> {
    await this.erasure.run(parseEraseJob(job.data).requestId);
  }

  // Emitted after the job was moved on: `failed` once no attempt is left, else `delayed`.
  @OnWorkerEvent('failed')
  async onFailed(job: Job | undefined, err: Error): Promise<void> {
    if (!job || (await job.getState()) !== 'failed') return;
    const requestId = (job.data as { requestId?: unknown }).requestId;
    if (typeof requestId === 'string') await this.erasure.markFailed(requestId, err.name);
  }
}
