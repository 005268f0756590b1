import { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/configuration';
import { queuePrefix } from '../queue/queue.module';
import { RunEntity } from '../runs/run.entity';
import { RunsService } from '../runs/runs.service';
import { DbtSchedulerService } from '../sources/dbt/dbt-scheduler.service';
import { DBT_JOB_OPTIONS, DBT_QUEUE } from '../sources/dbt/dbt.queue';
import { DbtModelEntity } from '../sources/dbt/entities/dbt-model.entity';
import { DbtImportService } from '../sources/dbt/import/dbt-import.service';
import { DbtTriggerService } from '../sources/dbt/notify/dbt-trigger.service';
import { DbtSourcesService } from '../sources/dbt/sources/dbt-sources.service';
import { definitionsService } from './cli-services';

// The dbt services the server runs, over the CLI's DataSource (and a Queue on the server's Redis,
// with the same key prefix, so a worker picks the jobs up).
export function dbtImportService(dataSource: DataSource): DbtImportService {
  return new DbtImportService(
    definitionsService(dataSource),
    dataSource,
    dataSource.getRepository(DbtModelEntity),
  );
}

export interface DbtTrigger {
  service: DbtTriggerService;
  close: () => Promise<void>;
}

// A Queue on the server's Redis with the server's key prefix, so its workers pick the jobs up.
export function cliQueue(name: string, config: AppConfig, defaultJobOptions = {}): Queue {
  return new Queue(name, {
    connection: { url: config.redisUrl, maxRetriesPerRequest: null },
    prefix: queuePrefix(config),
    defaultJobOptions,
  });
}

export interface DbtScheduling {
  sources: DbtSourcesService;
  scheduler: DbtSchedulerService;
  close: () => Promise<void>;
}

export function dbtScheduling(dataSource: DataSource, config: AppConfig): DbtScheduling {
  const queue = cliQueue(DBT_QUEUE, config, DBT_JOB_OPTIONS);
  const sources = new DbtSourcesService(dataSource, dataSource.getRepository(DbtModelEntity));
  return {
    sources,
    scheduler: new DbtSchedulerService(queue, sources),
    close: () => queue.close(),
  };
}

export function dbtTrigger(dataSource: DataSource, config: AppConfig): DbtTrigger {
  const { sources, scheduler, close } = dbtScheduling(dataSource, config);
  const runs = new RunsService(dataSource.getRepository(RunEntity), dataSource);
  const models = dataSource.getRepository(DbtModelEntity);
  return { service: new DbtTriggerService(sources, scheduler, runs, models), close };
}
