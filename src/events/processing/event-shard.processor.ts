import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, Type } from '@nestjs/common';
import type { Job } from 'bullmq';
import { EVENT_SHARD_QUEUES, parseDrainJob } from '../events.queue';
import { DrainResult, EventApplier } from './event-applier.service';
import { ShardSignaller } from './shard-signaller.service';

// One processor class per shard queue (the @Processor decorator binds a class to one queue name).
// Concurrency 1: a shard applies its messages strictly one batch after another. A short lock:
// with a global concurrency of 1, a killed worker's active job holds its shard until BullMQ sees
// it stalled, so that must take seconds, not minutes.
function shardProcessor(queue: string): Type<WorkerHost> {
  @Processor(queue, { autorun: false, concurrency: 1, lockDuration: 10_000, stalledInterval: 5000 })
  class EventShardProcessor extends WorkerHost {
    private readonly logger = new Logger(`EventShardProcessor[${queue}]`);

    constructor(
      private readonly applier: EventApplier,
      private readonly signaller: ShardSignaller,
    ) {
      super();
    }

    async process(job: Job): Promise<DrainResult> {
      const { shard } = parseDrainJob(job.data);
      const result = await this.applier.drain(shard);
      if (result.more) this.signaller.signal([shard]);
      if (result.failed > 0)
        this.logger.warn(`shard ${shard}: ${result.processed} processed, ${result.failed} failed`);
      return result;
    }
  }
  return EventShardProcessor;
}

export const EVENT_SHARD_PROCESSORS = EVENT_SHARD_QUEUES.map(shardProcessor);
