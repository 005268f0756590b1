import { getQueueToken } from '@nestjs/bullmq';
import { NestFactory } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { AUDIENCES_QUEUE } from '../../src/audiences/evaluation/audiences.queue';
import { FullEvaluator } from '../../src/audiences/evaluation/full-evaluation.service';
import { AudiencesService } from '../../src/audiences/storage/audiences.service';
import { BENCH_DATABASE_URL } from '../lib/bench-db';
import { childArgs, runAsChild } from '../lib/child';
import { BenchAudienceModule } from './bench-audience.module';
import { BENCH_RULE, BENCH_SCHEDULE } from './rule';

export interface FullArgs {
  schema: string;
  slug: string;
  // Archive the audience afterwards (a one-off first evaluation).
  archive: boolean;
}

export interface FullReport {
  seconds: number;
  size: number;
  entered: number;
  exited: number;
}

// Measured process: one full evaluation of the figure's audience through FullEvaluator (the
// product's code), saved first if it is new. Only evaluate() is timed.
runAsChild<FullReport>(async () => {
  const args = childArgs<FullArgs>();
  const app = await NestFactory.createApplicationContext(
    BenchAudienceModule.forRoot(BENCH_DATABASE_URL, args.schema, 'api'),
    { logger: ['error', 'warn'] },
  );
  try {
    const { audience } = await app
      .get(AudiencesService)
      .save(
        { slug: args.slug, name: args.slug, rule: BENCH_RULE, schedule: BENCH_SCHEDULE },
        { kind: 'api', savedBy: 'bench' },
      );
    // The evaluation the save queued is the one measured here, not one a worker would run later.
    await app.get<Queue>(getQueueToken(AUDIENCES_QUEUE)).obliterate({ force: true });
    const start = process.hrtime.bigint();
    const done = await app.get(FullEvaluator).evaluate(audience.id, 'manual');
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (!done) throw new Error('the audience was not evaluated');
    if (args.archive) await app.get(AudiencesService).archive(args.slug, 'api');
    return { seconds, size: done.size, entered: done.entered, exited: done.exited };
  } finally {
    await app.close();
  }
});
