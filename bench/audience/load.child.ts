import { NestFactory } from '@nestjs/core';
import { TraitWriter } from '../../src/traits/trait-writer.service';
import { BENCH_DATABASE_URL } from '../lib/bench-db';
import { childArgs, runAsChild } from '../lib/child';
import { BenchAudienceModule } from './bench-audience.module';

export interface LoadArgs {
  schema: string;
  // Hot profiles from..from+count-1, each changed once, at `rate` changes per second (open loop),
  // `batch` profiles per write.
  from: number;
  count: number;
  rate: number;
  batch: number;
  level: number;
}

export interface LoadReport {
  // Wall-clock ms when each change's write returned (committed), and how long the write took.
  commits: { user: number; at: number; ms: number }[];
  offeredSeconds: number;
}

const wall = () => performance.timeOrigin + performance.now();

// Load process: trait changes of single profiles through the one write path at a fixed offered
// rate, a few profiles per write, as API writes or event batches from another node arrive.
runAsChild<LoadReport>(async () => {
  const args = childArgs<LoadArgs>();
  const app = await NestFactory.createApplicationContext(
    BenchAudienceModule.forRoot(BENCH_DATABASE_URL, args.schema, 'api'),
    { logger: ['error', 'warn'] },
  );
  try {
    const writer = app.get(TraitWriter);
    const commits: LoadReport['commits'] = [];
    const start = wall();
    const pending: Promise<void>[] = [];
    for (let first = 1; first <= args.count; first += args.batch) {
      const users = Array.from(
        { length: Math.min(args.batch, args.count - first + 1) },
        (_, k) => first + k,
      );
      const due = start + ((first - 1) * 1000) / args.rate;
      const wait = due - wall();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const sent = wall();
      pending.push(
        writer
          .write({
            rows: users.map((i) => ({
              identity: { type: 'user_id', value: `u${i}` },
              trait: 'level',
              value: args.level,
            })),
            provenance: { sourceKind: 'api', sourceRef: { keyId: 'bench' }, runId: null },
          })
          .then((r) => {
            if (r.revisions !== users.length)
              throw new Error(`changes from ${first}: ${r.revisions} revisions`);
            const at = wall();
            for (const user of users) commits.push({ user, at, ms: at - sent });
          }),
      );
    }
    await Promise.all(pending);
    return { commits, offeredSeconds: (wall() - start) / 1000 };
  } finally {
    await app.close();
  }
});
