import type { JobsOptions, Queue } from 'bullmq';

export interface WantedSchedule {
  id: string; // starts with the caller's prefix
  pattern: string; // cron, in UTC
  name: string; // the job name
  data: unknown;
  opts: JobsOptions;
}

export interface ScheduleChanges {
  scheduled: number;
  changed: number;
  removed: number;
}

// Makes a queue's BullMQ job schedulers under `prefix` exactly the wanted ones: new or changed
// patterns upserted, schedulers no longer wanted removed. A scheduler adds one job per tick with a
// deterministic id, so however many workers reconcile, each tick runs once.
export async function reconcileSchedules(
  queue: Queue,
  prefix: string,
  wanted: readonly WantedSchedule[],
): Promise<ScheduleChanges> {
  const ids = new Set(wanted.map((w) => w.id));
  let changed = 0;
  for (const w of wanted) {
    const current = await queue.getJobScheduler(w.id);
    if (current?.pattern === w.pattern) continue;
    changed += 1;
    await queue.upsertJobScheduler(
      w.id,
      { pattern: w.pattern, tz: 'UTC' },
      { name: w.name, data: w.data, opts: w.opts },
    );
  }
  let removed = 0;
  for (const scheduler of await queue.getJobSchedulers(0, -1)) {
    const id = scheduler.id ?? scheduler.key;
    if (id.startsWith(prefix) && !ids.has(id)) {
      await queue.removeJobScheduler(id);
      removed += 1;
    }
  }
  return { scheduled: wanted.length, changed, removed };
}
