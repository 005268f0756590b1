import {
  definitionsDir,
  identifyMessage,
  post,
  trackMessage,
  waitForInboxDrained,
} from './factories/event.factory';
import { createKey } from './utils/keys';
import { ServerProcess, startWorkerProcess } from './utils/server-process';
import { count, sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';
import { waitFor } from './utils/wait';

const USERS = 10_000;
// Per person: an anonymous track, identify x=1, tracks, identify x=2, tracks, identify x=3 — all
// at one instant, so only the order of application decides the trait's value and the history.
const PER_USER = 10;
const USERS_PER_BATCH = 50;
const CONCURRENT_REQUESTS = 4;
const KILL_AFTER = 30_000;

function messagesOf(user: number, at: string): Record<string, unknown>[] {
  const anonymousId = `anon-${user}`;
  const userId = `user-${user}`;
  const id = (seq: number) => `m-${user}-${seq}`;
  return Array.from({ length: PER_USER }, (_, seq) => {
    if (seq === 0)
      return trackMessage({ messageId: id(seq), userId: undefined, anonymousId, timestamp: at });
    const x = seq === 1 ? 1 : seq === 5 ? 2 : seq === PER_USER - 1 ? 3 : null;
    return x === null
      ? trackMessage({ messageId: id(seq), userId, anonymousId, timestamp: at })
      : identifyMessage({ messageId: id(seq), userId, anonymousId, traits: { x }, timestamp: at });
  });
}

// Shards leased per worker process (pid of its lease connection → count).
async function leases(t: TestApp): Promise<number[]> {
  const rows = await sql<{ n: string }>(
    t,
    `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
       AND classid = hashtext($1)::oid GROUP BY pid ORDER BY pid`,
    [`${t.db.schema}:event-shards`],
  );
  return rows.map((r) => Number(r.n));
}

describe('event workers share the shards', () => {
  let t: TestApp;
  let key: string;
  let first: ServerProcess;
  let second: ServerProcess;

  beforeAll(async () => {
    const dir = await definitionsDir({
      traits: { 'x.yaml': { source: { kind: 'event' }, traits: [{ name: 'x', type: 'number' }] } },
    });
    // This process only ingests; the two worker processes apply.
    t = await startTestApp({ traitDefinitionsDir: dir, role: 'api' });
    key = await createKey(t, 'ingest');
    first = await startWorkerProcess(t.db);
    second = await startWorkerProcess(t.db);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await t?.close();
  });

  it(`applies ${USERS * PER_USER} events of ${USERS} people exactly once and in order, through a SIGKILL`, async () => {
    await waitFor(
      'two processes holding 64 shards each',
      async () => (await leases(t)).join() === '64,64',
      {
        timeoutMs: 30_000,
      },
    );

    const at = new Date().toISOString();
    const batches: Record<string, unknown>[][] = [];
    for (let u = 0; u < USERS; u += USERS_PER_BATCH)
      batches.push(Array.from({ length: USERS_PER_BATCH }, (_, i) => messagesOf(u + i, at)).flat());
    const sending = (async () => {
      for (let i = 0; i < batches.length; i += CONCURRENT_REQUESTS) {
        const answers = await Promise.all(
          batches
            .slice(i, i + CONCURRENT_REQUESTS)
            .map((batch) => post(t, '/v1/batch', { batch }, key)),
        );
        for (const a of answers) expect(a).toMatchObject({ status: 200, body: { rejected: [] } });
      }
    })();

    // Midway, one worker dies without a chance to let go of anything.
    await waitFor(
      `${KILL_AFTER} events applied`,
      async () =>
        (await count(t, `SELECT count(*) AS n FROM events`)) >= KILL_AFTER,
      { timeoutMs: 120_000, everyMs: 100 },
    );
    const pendingAtKill = await count(t, `SELECT count(*) AS n FROM event_inbox_pending`);
    first.child.kill('SIGKILL');
    await first.exited;
    await sending;

    // The survivor takes every shard over and finishes.
    await waitFor(
      'the survivor holding all 128 shards',
      async () => (await leases(t)).join() === '128',
      {
        timeoutMs: 30_000,
      },
    );
    await waitForInboxDrained(t, 240_000);
    expect(pendingAtKill).toBeGreaterThan(0);

    // Every message applied: none queued, none failed.
    const inbox = await sql<{ rows: string; failed: string; queued: string }>(
      t,
      `SELECT count(*) AS rows, count(failure) AS failed,
              (SELECT count(*) FROM event_inbox_pending) AS queued FROM event_inbox`,
    );
    expect(inbox).toEqual([{ rows: String(USERS * PER_USER), failed: '0', queued: '0' }]);
    // Exactly once: one stored event and one feed entry per message.
    expect(await count(t, `SELECT count(*) AS n FROM events`)).toBe(USERS * PER_USER);
    expect(await count(t, `SELECT count(DISTINCT message_id) AS n FROM events`)).toBe(
      USERS * PER_USER,
    );
    expect(await count(t, `SELECT count(*) AS n FROM change_feed WHERE kind = 'event'`)).toBe(
      USERS * PER_USER,
    );
    // In order per person: the feed records each person's events in the order they were sent,
    // the anonymous one first, on one profile.
    const outOfOrder = await count(
      t,
      `SELECT count(*) AS n FROM (
         SELECT split_part(provenance->'sourceRef'->>'messageId', '-', 2) AS person,
                split_part(provenance->'sourceRef'->>'messageId', '-', 3)::int AS seq,
                lag(split_part(provenance->'sourceRef'->>'messageId', '-', 3)::int) OVER w AS prev,
                profile_id, lag(profile_id) OVER w AS prev_profile
         FROM change_feed WHERE kind = 'event'
         WINDOW w AS (PARTITION BY split_part(provenance->'sourceRef'->>'messageId', '-', 2) ORDER BY position)
       ) f WHERE prev IS NOT NULL AND (seq <> prev + 1 OR profile_id <> prev_profile)`,
    );
    expect(outOfOrder).toBe(0);
    // Identifies at one instant: the last one sent is the value, with the history in send order.
    const values = await sql<{ value: number; n: string }>(
      t,
      `SELECT tv.value, count(*) AS n FROM trait_value tv
       JOIN trait_definition d ON d.id = tv.trait_id AND d.name = 'x' GROUP BY tv.value`,
    );
    expect(values).toEqual([{ value: 3, n: String(USERS) }]);
    const profiles = await count(t, `SELECT count(DISTINCT profile_id) AS n FROM events`);
    expect(profiles).toBe(USERS);
  }, 420_000);
});
