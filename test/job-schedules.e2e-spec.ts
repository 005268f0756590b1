import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { reconcileSchedules, WantedSchedule } from '../src/queue/job-schedules';
import { TEST_REDIS_URL } from './utils/env';

// The one schedule reconciliation dbt and notebook sources share, on a real BullMQ queue.
describe('reconcileSchedules', () => {
  const queue = new Queue('schedules', {
    connection: { url: TEST_REDIS_URL, maxRetriesPerRequest: null },
    prefix: `{t_sched_${randomBytes(5).toString('hex')}}`,
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  const want = (id: string, pattern: string): WantedSchedule => ({
    id,
    pattern,
    name: 'run',
    data: { id },
    opts: { attempts: 1 },
  });
  const ids = async () =>
    (await queue.getJobSchedulers(0, -1)).map((s) => `${s.id ?? s.key} ${s.pattern}`).sort();

  it('adds, changes and removes only the schedulers under its prefix', async () => {
    await queue.upsertJobScheduler('other:keep', { pattern: '0 0 * * *', tz: 'UTC' });
    expect(
      await reconcileSchedules(queue, 'mine:', [
        want('mine:a', '*/5 * * * *'),
        want('mine:b', '0 3 * * *'),
      ]),
    ).toEqual({ scheduled: 2, changed: 2, removed: 0 });
    expect(
      await reconcileSchedules(queue, 'mine:', [
        want('mine:a', '*/5 * * * *'),
        want('mine:b', '0 3 * * *'),
      ]),
    ).toEqual({ scheduled: 2, changed: 0, removed: 0 });
    expect(await reconcileSchedules(queue, 'mine:', [want('mine:a', '*/10 * * * *')])).toEqual({
      scheduled: 1,
      changed: 1,
      removed: 1,
    });
    expect(await ids()).toEqual(['mine:a */10 * * * *', 'other:keep 0 0 * * *']);
  });
});
