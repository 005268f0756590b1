import { Queue, Worker } from 'bullmq';

// The raw anchor: BullMQ no-op jobs added in bulk and processed, jobs per second.
export async function bullmqNoop(redisUrl: string, jobs: number): Promise<number> {
  const name = `noop-${process.pid}-${Date.now()}`;
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue(name, { connection });
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const start = process.hrtime.bigint();
  const worker = new Worker(name, () => Promise.resolve(), { connection, concurrency: 50 });
  worker.on('completed', () => ++done === jobs && finish());
  for (let i = 0; i < jobs; i += 1000)
    await queue.addBulk(
      Array.from({ length: Math.min(1000, jobs - i) }, () => ({
        name: 'noop',
        data: {},
        opts: { removeOnComplete: true },
      })),
    );
  await finished;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return jobs / seconds;
}
