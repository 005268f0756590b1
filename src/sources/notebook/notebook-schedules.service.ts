import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { reconcileSchedules, WantedSchedule } from '../../queue/job-schedules';
import { NotebookSources } from './notebook-sources.service';
import { NOTEBOOK_JOBS, NOTEBOOK_QUEUE, RunNotebookJob, SCHEDULER_PREFIX } from './notebook.queue';

// Job template of every notebook run: a failed notebook is a recorded run, not a job to retry.
const RUN_JOB_OPTS = { attempts: 1, removeOnComplete: 1000, removeOnFail: 5000 };

// One BullMQ job scheduler per scheduled notebook (reconcileSchedules).
@Injectable()
export class NotebookSchedules {
  private readonly logger = new Logger(NotebookSchedules.name);

  constructor(
    @InjectQueue(NOTEBOOK_QUEUE) private readonly queue: Queue,
    private readonly sources: NotebookSources,
  ) {}

  async sync(): Promise<{ scheduled: number; removed: number }> {
    const wanted: WantedSchedule[] = (await this.sources.all())
      .filter((s) => s.schedule)
      .map((s) => ({
        id: `${SCHEDULER_PREFIX}${s.notebook}`,
        pattern: s.schedule!,
        name: NOTEBOOK_JOBS.run,
        data: { notebook: s.notebook } satisfies RunNotebookJob,
        opts: RUN_JOB_OPTS,
      }));
    const { scheduled, changed, removed } = await reconcileSchedules(
      this.queue,
      SCHEDULER_PREFIX,
      wanted,
    );
    if (changed + removed > 0) {
      this.logger.log(
        `notebook schedules: ${scheduled} scheduled (${changed} new or changed), ${removed} removed`,
      );
    }
    return { scheduled, removed };
  }

  // A run now, outside the schedule (triggerNotebookRun, CLI `run`); 404 for an unknown notebook.
  async runNow(notebook: string): Promise<{ jobId: string; notebook: string }> {
    await this.sources.require(notebook);
    const job = await this.queue.add(
      NOTEBOOK_JOBS.run,
      { notebook } satisfies RunNotebookJob,
      RUN_JOB_OPTS,
    );
    return { jobId: job.id!, notebook };
  }
}
