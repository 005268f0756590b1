import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { reconcileSchedules, WantedSchedule } from '../../queue/job-schedules';
import {
  DBT_JOB_OPTIONS,
  DBT_QUEUE,
  DBT_SYNC_JOB,
  dbtJobId,
  DbtSyncJob,
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
    const wanted: WantedSchedule[] = [];
    for (const r of await this.sources.all()) {
      if (!r.ok || !r.source.schedule) continue;
      const data: DbtSyncJob = { source: r.source.key, trigger: 'schedule' };
      wanted.push({
        id: schedulerId(r.source.key),
        pattern: r.source.schedule,
        name: DBT_SYNC_JOB,
        data,
        opts: DBT_JOB_OPTIONS,
      });
    }
    const changes = await reconcileSchedules(this.queue, SCHEDULER_PREFIX, wanted);
    this.logger.debug(`${changes.scheduled} dbt schedule(s), ${changes.removed} removed`);
    return changes.scheduled;
  }
}
