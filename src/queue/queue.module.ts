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
// BullMQ's multi-key scripts need. Queues that carry a tag of their own (one per event shard)
// spread over the cluster's slots instead of sharing the deployment's one.
export function queuePrefix(config: Pick<AppConfig, 'databaseSchema'>, tag?: string): string {
  return tag === undefined
    ? `{traitbase:${config.databaseSchema}}`
    : `{traitbase:${config.databaseSchema}:${tag}}`;
}

// Registers queues whose keys hash to a slot of their own (see queuePrefix).
export function registerSpreadQueues(names: readonly string[]) {
  return BullModule.registerQueueAsync(
    ...names.map((name) => ({
      name,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ prefix: queuePrefix(config, name) }),
    })),
  );
}

// Processors run only in the worker role (TRAITBASE_ROLE=worker|all); API replicas only enqueue.
export function runsWorkers(config: AppConfig): boolean {
  return config.role !== 'api';
}
