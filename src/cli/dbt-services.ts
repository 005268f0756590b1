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
import { RunRecorder } from '../sources/dbt/sync/run-recorder.service';
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

export function dbtTrigger(dataSource: DataSource, config: AppConfig): DbtTrigger {
  const queue = new Queue(DBT_QUEUE, {
    connection: { url: config.redisUrl, maxRetriesPerRequest: null },
    prefix: queuePrefix(config),
    defaultJobOptions: DBT_JOB_OPTIONS,
  });
  const models = dataSource.getRepository(DbtModelEntity);
  const sources = new DbtSourcesService(dataSource, models);
  const recorder = new RunRecorder(
    new RunsService(dataSource.getRepository(RunEntity)),
    dataSource,
  );
  const service = new DbtTriggerService(
    sources,
    new DbtSchedulerService(queue, sources),
    recorder,
    models,
  );
  return { service, close: () => queue.close() };
}
