import { NestFactory } from '@nestjs/core';
import { FeedListener } from '../../src/feed/feed-listener.service';
import { BENCH_DATABASE_URL } from '../lib/bench-db';
import { childArgs, runAsChild } from '../lib/child';
import { BenchAudienceModule } from './bench-audience.module';

export interface ConsumerArgs {
  schema: string;
  slug: string;
  // Membership changes to wait for, and for at most this long.
  expected: number;
  timeoutMs: number;
}

export interface ConsumerReport {
  // Wall-clock ms when each profile's membership change was committed (delivered to this
  // process's feed listeners right after its COMMIT), in arrival order.
  changes: { profileId: string; member: boolean; at: number }[];
}

const wall = () => performance.timeOrigin + performance.now();

// Measured process: the service in the worker role; its durable feed consumer re-evaluates the
// profiles whose traits the load process changes, and writes their memberships.
runAsChild<ConsumerReport>(async () => {
  const args = childArgs<ConsumerArgs>();
  const app = await NestFactory.createApplicationContext(
    BenchAudienceModule.forRoot(BENCH_DATABASE_URL, args.schema, 'all'),
    { logger: ['error', 'warn'] },
  );
  const changes: ConsumerReport['changes'] = [];
  const name = `audience:${args.slug}`;
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, args.timeoutMs);
      app.get(FeedListener).listen({
        batch: (b) => {
          const at = wall();
          for (const c of b.changes ?? []) {
            if (c.kind === 'audience' && c.name === name)
              changes.push({ profileId: c.profileId, member: c.after === true, at });
          }
          if (changes.length >= args.expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return { changes };
  } finally {
    await app.close();
  }
});
