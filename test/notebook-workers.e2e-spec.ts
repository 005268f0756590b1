import { Queue } from 'bullmq';

import { queuePrefix } from '../src/queue/queue.module';
import { NOTEBOOK_QUEUE } from '../src/sources/notebook/notebook.queue';
import {
  insertTraitDefinitions,
  traitSpec,
  uniqueName,
} from './factories/trait-definition.factory';
import { TEST_REDIS_URL } from './utils/env';
import { freePort, ServerProcess, startServerProcess, waitForHealth } from './utils/server-process';
import { createTestSchema, schemaClient, TestSchema } from './utils/test-schema';

jest.setTimeout(120_000);

import { repoDefinitionsDir } from './utils/test-app';
const NOTEBOOK = 'test/fixtures/notebooks/writes_output.ipynb';
const TICK_MS = 4000;

describe('scheduled notebooks with two worker processes', () => {
  let db: TestSchema;
  let queue: Queue;
  const workers: ServerProcess[] = [];

  beforeAll(async () => {
    db = await createTestSchema();
    queue = new Queue(NOTEBOOK_QUEUE, {
      connection: { url: TEST_REDIS_URL },
      prefix: queuePrefix({ databaseSchema: db.schema }),
    });
    await insertTraitDefinitions(db.url, db.schema, [
      traitSpec({
        name: uniqueName('nb'),
        column: 'score',
        source: {
          kind: 'notebook',
          notebook: NOTEBOOK,
          schedule: `*/${TICK_MS / 1000} * * * * *`,
          timeout: '1m',
          parameters: { content: 'user_id,score,model_version\nw1,0.1,m1\nw2,0.2,m1\n' },
          output: { format: 'csv', identity: { column: 'user_id', type: 'user_id' } },
        },
      }),
    ]);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await queue?.obliterate({ force: true });
    await queue?.close();
    await db?.drop();
  });

  it('runs each tick once, whichever worker takes it', async () => {
    // Two worker-role processes of the real service against the same schema and Redis prefix;
    // both upsert the notebook's job scheduler when they start.
    const ports = [await freePort(), await freePort()];
    for (const port of ports) {
      workers.push(
        startServerProcess({
          DATABASE_URL: db.url,
          DATABASE_SCHEMA: db.schema,
          REDIS_URL: TEST_REDIS_URL,
          TRAITBASE_ROLE: 'worker',
          PORT: String(port),
          TRAIT_DEFINITIONS_DIR: repoDefinitionsDir(),
        }),
      );
    }
    await Promise.all(workers.map((w, i) => waitForHealth(w, ports[i], 90_000)));

    // Let the scheduler tick a few times while both consume the queue.
    const client = await schemaClient(db);
    try {
      const until = Date.now() + 60_000;
      let runs = 0;
      while (Date.now() < until && runs < 3) {
        await new Promise((r) => setTimeout(r, 500));
        const res = await client.query(`SELECT count(*) AS n FROM run WHERE status = 'succeeded'`);
        runs = Number((res.rows[0] as { n: string }).n);
      }
      expect(runs).toBeGreaterThanOrEqual(3);
      await Promise.all(workers.map((w) => w.stop()));

      // Every processed job of the scheduler, by the tick it was made for (its id ends in the tick's ms).
      const jobs = await queue.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed']);
      const processed = jobs.filter((j) => j.name === 'run' && j.processedOn);
      const ticks = processed.map((j) => Number(/:(\d+)$/.exec(j.id ?? '')?.[1]));
      expect(ticks.every((ms) => ms > 0 && ms % TICK_MS === 0)).toBe(true);
      expect(new Set(ticks).size).toBe(ticks.length);

      // And in the database: one run per job, each run naming its own job.
      const { rows } = await client.query<{ job: string; n: string }>(
        `SELECT metadata->>'jobId' AS job, count(*) AS n FROM run GROUP BY 1`,
      );
      expect(rows.filter((r) => Number(r.n) > 1)).toEqual([]);
      expect(rows.length).toBeGreaterThanOrEqual(3);
      expect(rows.every((r) => processed.some((j) => j.id === r.job))).toBe(true);
    } finally {
      await client.end();
    }
  });
});
