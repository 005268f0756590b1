import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { DomainError } from '../../common/errors/domain-error';
import { NotebookRunner } from './notebook-runner.service';
import {
  NOTEBOOK_CONCURRENCY,
  NOTEBOOK_JOBS,
  NOTEBOOK_QUEUE,
  parseRunNotebookJob,
} from './notebook.queue';

// Started only in worker roles (NotebookWorker); API replicas just enqueue.
@Processor(NOTEBOOK_QUEUE, { autorun: false, concurrency: NOTEBOOK_CONCURRENCY })
export class NotebookProcessor extends WorkerHost {
  private readonly logger = new Logger(NotebookProcessor.name);

  constructor(private readonly runner: NotebookRunner) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    if (job.name !== NOTEBOOK_JOBS.run) throw new UnrecoverableError(`unknown job ${job.name}`);
    let notebook: string;
    try {
      notebook = parseRunNotebookJob(job.data).notebook;
    } catch (err) {
      if (err instanceof DomainError) throw new UnrecoverableError(err.message);
      throw err;
    }
    this.logger.log(`job ${job.id}: run notebook ${notebook}`);
    const run = await this.runner.run(notebook, {
      kind: job.repeatJobKey ? 'schedule' : 'manual',
      jobId: job.id,
    });
    return run ? { runId: run.id, status: run.status } : { skipped: true };
  }
}
