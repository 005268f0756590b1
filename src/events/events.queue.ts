import { UnrecoverableError } from 'bullmq';
import { EVENT_SHARDS } from './ingest/shard';

// One queue per shard, each consumed with concurrency 1 (and a global concurrency of 1 across
// worker replicas), so one user's messages are applied in order and shards run in parallel.
export const EVENT_SHARD_QUEUES = Array.from(
  { length: EVENT_SHARDS },
  (_, shard) => `events-shard-${shard}`,
);

// "Apply what the inbox holds for this shard": the job carries no messages, the inbox is the truth.
export const DRAIN_JOB = 'drain';

export interface DrainJob {
  shard: number;
}

export function parseDrainJob(data: unknown): DrainJob {
  const shard = (data as { shard?: unknown } | null)?.shard;
  if (typeof shard !== 'number' || !Number.isInteger(shard) || shard < 0 || shard >= EVENT_SHARDS) {
    throw new UnrecoverableError(`job.shard: must be an integer from 0 to ${EVENT_SHARDS - 1}`);
  }
  return { shard };
}

// Drain jobs are signals: nothing to keep once done.
export const DRAIN_JOB_OPTIONS = { removeOnComplete: true, removeOnFail: 1000 } as const;
