import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/configuration';

// BullMQ root connection. Keys are prefixed by the database schema so several deployments (and
// parallel test runs) can share one Redis without seeing each other's jobs.
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: { url: config.redisUrl, maxRetriesPerRequest: null },
        prefix: queuePrefix(config),
        defaultJobOptions: {
          attempts: 3,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: 1000,
          removeOnFail: 5000,
        },
      }),
    }),
  ],
  exports: [BullModule],
})
export class QueueModule {}

// The braces are a Redis Cluster hash tag: every key of one queue lands in one slot, which
// BullMQ's multi-key scripts need. The event shards use no queues (they are leased in Postgres and
// signalled over pub/sub, docs/scaling.md), so the deployment's few queues share its tag.
export function queuePrefix(config: Pick<AppConfig, 'databaseSchema'>): string {
  return `{traitbase:${config.databaseSchema}}`;
}

// Processors run only in the worker role (TRAITBASE_ROLE=worker|all); API replicas only enqueue.
export function runsWorkers(config: AppConfig): boolean {
  return config.role !== 'api';
}
