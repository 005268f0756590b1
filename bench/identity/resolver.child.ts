import { NestFactory } from '@nestjs/core';
import { IdentityResolver } from '../../src/identity/resolve/identity-resolver.service';
import {
  BENCH_DATABASE_URL,
  checkpoint,
  prewarmSchema,
  vacuumAnalyze,
  withClient,
} from '../lib/bench-db';
import { childArgs, runAsChild, settleHeap } from '../lib/child';
import { probeLatency } from '../lib/latency';
import { pinProbe, probeApplicationName } from '../lib/probe-cpu';
import { BenchIdentityModule } from './bench-identity.module';
import { batches, observation } from './dataset';
import { countAll, elapsedSeconds, IdentityLoadArgs, LoadReport } from './phases';

// Measured process: OUR resolution path. The load goes through observeMany batch after batch; the
// latency probe then resolves the following observations one call at a time (observe).
runAsChild<LoadReport>(async () => {
  const args = childArgs<IdentityLoadArgs>();
  // The resolver's connections are named, so the probe can pin their backends.
  const url = new URL(BENCH_DATABASE_URL);
  url.searchParams.set('application_name', probeApplicationName());
  const app = await NestFactory.createApplicationContext(
    BenchIdentityModule.forRoot(url.toString(), args.schema),
    {
      logger: ['error', 'warn'],
    },
  );
  try {
    const resolver = app.get(IdentityResolver);
    await withClient((c) => checkpoint(c));
    let seconds = 0;
    for (const batch of batches(0, args.observations, args.batchSize)) {
      const start = process.hrtime.bigint();
      await resolver.observeMany(batch);
      seconds += elapsedSeconds(start);
    }
    // Warm, like the baseline's lookups: what autovacuum would have done, and the tables in memory.
    await withClient(async (c) => {
      await vacuumAnalyze(c, args.schema);
      await prewarmSchema(c, args.schema);
      // The load's dirty pages flushed now, not by a checkpoint running during the probe.
      await checkpoint(c);
    });
    // As the baseline: inputs generated before timing and the heap settled (no warm-up calls here:
    // each observe() changes the graph, so every probe call is a real one).
    const probes = Array.from({ length: args.probe }, (_, k) => observation(args.observations + k));
    const pinnedBackends = await withClient((c) =>
      pinProbe((sql, params) => c.query<{ pid: number }>(sql, params).then((r) => r.rows)),
    );
    settleHeap();
    const latency = await probeLatency(probes, (o) => resolver.observe(o.identities, o.cause));
    const counts = await countAll(args.schema, {
      identities: 'identity',
      liveProfiles: 'profile WHERE merged_into IS NULL',
      merges: "profile_merge WHERE kind = 'merge'",
      links: 'identity_link',
      violations: 'identity_violation',
    });
    return { seconds, observations: args.observations, counts, latency, pinnedBackends };
  } finally {
    await app.close();
  }
});
