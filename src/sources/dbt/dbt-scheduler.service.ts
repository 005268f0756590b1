import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import {
  DBT_JOB_OPTIONS,
  DBT_QUEUE,
  DBT_SYNC_JOB,
  DbtSyncJob,
  dbtJobId,
  schedulerId,
} from './dbt.queue';
import { DbtSourcesService } from './sources/dbt-sources.service';

const SCHEDULER_PREFIX = 'dbt-schedule-';

// Enqueues syncs and keeps one BullMQ job scheduler per source that declares a schedule. A
// scheduler makes one job per tick whatever the number of workers; the per-source lock keeps
// it to one run at a time.
@Injectable()
export class DbtSchedulerService {
  private readonly logger = new Logger(DbtSchedulerService.name);

  constructor(
    @InjectQueue(DBT_QUEUE) private readonly queue: Queue,
    private readonly sources: DbtSourcesService,
  ) {}

  async enqueue(job: DbtSyncJob): Promise<string> {
    const added = await this.queue.add(DBT_SYNC_JOB, job, {
      ...DBT_JOB_OPTIONS,
      jobId: dbtJobId(job, randomUUID()),
    });
    return added.id ?? '';
  }

  // Cron schedules are in UTC. Schedulers of sources that lost their schedule are removed.
  async reconcile(): Promise<number> {
    const wanted = new Map<string, { source: string; schedule: string }>();
    for (const r of await this.sources.all()) {
      if (r.ok && r.source.schedule)
        wanted.set(schedulerId(r.source.key), {
          source: r.source.key,
          schedule: r.source.schedule,
        });
    }
    for (const [id, { source, schedule }] of wanted) {
      const data: DbtSyncJob = { source, trigger: 'schedule' };
      await this.queue.upsertJobScheduler(
        id,
        { pattern: schedule, tz: 'UTC' },
        { name: DBT_SYNC_JOB, data, opts: DBT_JOB_OPTIONS },
      );
    }
    const existing = await this.queue.getJobSchedulers();
    for (const s of existing) {
      if (s.key.startsWith(SCHEDULER_PREFIX) && !wanted.has(s.key))
        await this.queue.removeJobScheduler(s.key);
    }
    this.logger.debug(`${wanted.size} dbt schedule(s)`);
    return wanted.size;
  }
}
