import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { DRAIN_JOB, DRAIN_JOB_OPTIONS, EVENT_SHARD_QUEUES } from '../events.queue';

// A shard is signalled at most once per window; every commit is still followed by a signal that
// is added after it, so a drain always starts after the rows it must see were committed.
const SIGNAL_WINDOW_MS = 50;

// Tells the shard workers that the inbox has new rows. A signal lost to a crash or a Redis outage
// only delays processing: the sweeper re-signals shards with old unprocessed rows.
@Injectable()
export class ShardSignaller {
  private readonly logger = new Logger(ShardSignaller.name);
  private readonly scheduled = new Set<number>();
  private queues: Queue[] | undefined;

  constructor(private readonly moduleRef: ModuleRef) {}

  signal(shards: Iterable<number>): void {
    for (const shard of shards) {
      if (this.scheduled.has(shard)) continue;
      this.scheduled.add(shard);
      setTimeout(() => {
        this.scheduled.delete(shard);
        this.queue(shard)
          .add(DRAIN_JOB, { shard }, DRAIN_JOB_OPTIONS)
          .catch((err: unknown) =>
            this.logger.warn(
              `shard ${shard}: signal not sent (${String(err)}); the sweeper will retry`,
            ),
          );
      }, SIGNAL_WINDOW_MS).unref();
    }
  }

  queue(shard: number): Queue {
    this.queues ??= EVENT_SHARD_QUEUES.map((name) =>
      this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }),
    );
    return this.queues[shard];
  }
}
