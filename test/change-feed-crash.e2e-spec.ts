import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { TraitWriter } from '../src/traits/trait-writer.service';
import { insertTraitDefinitions, traitSpec } from './factories/trait-definition.factory';
import { TEST_REDIS_URL } from './utils/env';
import { count, sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';
import { waitFor } from './utils/wait';

// Few large writes rather than many small ones: the test is about the consumer, and two process
// starts already take most of its time on a loaded machine.
const USERS = 1_000;
const ROUNDS = 10; // USERS × ROUNDS = 10,000 changes
const KILL_AFTER_ROUND = 3;
const RESTART_AFTER_ROUND = 6;

describe('a durable feed consumer killed mid-stream', () => {
  let t: TestApp;
  const level = traitSpec({ type: 'number' });

  beforeAll(async () => {
    t = await startTestApp({ role: 'api' });
    await insertTraitDefinitions(t.db.url, t.db.schema, [level]);
    await sql(
      t,
      'CREATE TABLE feed_applied (seq bigserial, position bigint, profile_id uuid, value jsonb)',
    );
  });
  afterAll(() => t.close());

  function startConsumer(): Promise<ChildProcess> {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, 'processes/feed-consumer.process.ts')],
      {
        cwd: join(__dirname, '..'),
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          DATABASE_URL: t.db.url,
          DATABASE_SCHEMA: t.db.schema,
          REDIS_URL: TEST_REDIS_URL,
          TRAIT_DEFINITIONS_DIR: `/nonexistent-${t.db.schema}`,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    return new Promise((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
      child.once('exit', (code) => reject(new Error(`consumer exited early (${code})`)));
    });
  }

  it('applies each of 10,000 changes exactly once, in order per profile, after a SIGKILL', async () => {
    const writer = t.app.get(TraitWriter);
    const users = Array.from({ length: USERS }, () => ({ type: 'user_id', value: randomUUID() }));
    let consumer = await startConsumer();
    const write = (round: number) =>
      writer.write({
        rows: users.map((identity) => ({ identity, trait: level.name, value: round })),
        provenance: { sourceKind: 'api', sourceRef: {}, runId: null },
      });
    for (let round = 1; round <= ROUNDS; round++) {
      await write(round);
      if (round === KILL_AFTER_ROUND) {
        // Let it get going, then kill it in the middle of whatever it is doing.
        await waitFor(
          'the consumer to apply something',
          async () => (await count(t, 'SELECT count(*) AS n FROM feed_applied')) > 0,
        );
        consumer.kill('SIGKILL');
        await new Promise((r) => consumer.once('exit', r));
      }
      if (round === RESTART_AFTER_ROUND) consumer = await startConsumer();
    }
    const total = USERS * ROUNDS;
    await waitFor(
      'every change applied',
      async () => (await count(t, 'SELECT count(*) AS n FROM feed_applied')) >= total,
      {
        timeoutMs: 60_000,
      },
    );
    await new Promise((r) => setTimeout(r, 1500));
    consumer.kill('SIGTERM');
    await new Promise((r) => consumer.once('exit', r));

    expect(await count(t, 'SELECT count(*) AS n FROM feed_applied')).toBe(total);
    expect(await count(t, 'SELECT count(DISTINCT position) AS n FROM feed_applied')).toBe(total);
    // Exactly the trait changes the feed holds.
    expect(
      await count(
        t,
        `SELECT count(*) AS n FROM change_feed f WHERE f.kind = 'trait'
         AND NOT EXISTS (SELECT 1 FROM feed_applied a WHERE a.position = f.position)`,
      ),
    ).toBe(0);
    // In order per profile: the values each profile went through, in the order they were applied.
    const disorder = await count(
      t,
      `SELECT count(*) AS n FROM (
         SELECT value::int AS v, lag(value::int) OVER (PARTITION BY profile_id ORDER BY seq) AS prev
         FROM feed_applied) x
       WHERE prev IS NOT NULL AND v <> prev + 1`,
    );
    expect(disorder).toBe(0);
  }, 180_000); // two worker processes start within it
});
