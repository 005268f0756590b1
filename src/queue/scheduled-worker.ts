import type { Logger } from '@nestjs/common';
import type { Worker } from 'bullmq';

export interface ScheduledWorker {
  // Names the worker in log lines ("notebook", "audience").
  name: string;
  logger: Logger;
  // Brings the queue in line with what is stored: job schedulers with the definitions, lost jobs
  // queued again (idempotent).
  sync: () => Promise<unknown>;
  worker: Worker;
  everyMs: number;
}

// For a worker role: sync the job schedulers, then keep re-syncing (definitions applied by another
// process take effect) and start consuming. Returns what stops the re-syncing.
export async function startScheduledWorker(w: ScheduledWorker): Promise<() => void> {
  await w.sync();
  const timer = setInterval(() => {
    w.sync().catch((err: unknown) =>
      w.logger.error(`${w.name} schedule sync failed`, err as Error),
    );
  }, w.everyMs);
  w.worker.run().catch((err: unknown) => w.logger.error(`${w.name} worker stopped`, err as Error));
  return () => clearInterval(timer);
}
