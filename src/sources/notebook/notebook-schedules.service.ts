import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { NotebookSources } from './notebook-sources.service';
import { NOTEBOOK_JOBS, NOTEBOOK_QUEUE, RunNotebookJob, SCHEDULER_PREFIX } from './notebook.queue';

// Job template of every notebook run: a failed notebook is a recorded run, not a job to retry.
const RUN_JOB_OPTS = { attempts: 1, removeOnComplete: 1000, removeOnFail: 5000 };

// One BullMQ job scheduler per scheduled notebook. A scheduler adds exactly one job per tick with a
// deterministic id, so however many workers run, each tick is processed once.
@Injectable()
export class NotebookSchedules {
  private readonly logger = new Logger(NotebookSchedules.name);

  constructor(
    @InjectQueue(NOTEBOOK_QUEUE) private readonly queue: Queue,
    private readonly sources: NotebookSources,
  ) {}

  async sync(): Promise<{ scheduled: number; removed: number }> {
    const wanted = new Map<string, { notebook: string; pattern: string }>();
    for (const s of await this.sources.all()) {
      if (s.schedule)
        wanted.set(`${SCHEDULER_PREFIX}${s.notebook}`, {
          notebook: s.notebook,
          pattern: s.schedule,
        });
    }
    let changed = 0;
    for (const [id, s] of wanted) {
      const current = await this.queue.getJobScheduler(id);
      if (current?.pattern === s.pattern) continue;
      changed += 1;
      await this.queue.upsertJobScheduler(
        id,
        { pattern: s.pattern, tz: 'UTC' },
        {
          name: NOTEBOOK_JOBS.run,
          data: { notebook: s.notebook } satisfies RunNotebookJob,
          opts: RUN_JOB_OPTS,
        },
      );
    }
    let removed = 0;
    for (const scheduler of await this.queue.getJobSchedulers(0, -1)) {
      const id = scheduler.id ?? scheduler.key;
      if (id.startsWith(SCHEDULER_PREFIX) && !wanted.has(id)) {
        await this.queue.removeJobScheduler(id);
        removed += 1;
      }
    }
    if (changed + removed > 0) {
      this.logger.log(
        `notebook schedules: ${wanted.size} scheduled (${changed} new or changed), ${removed} removed`,
      );
    }
    return { scheduled: wanted.size, removed };
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
