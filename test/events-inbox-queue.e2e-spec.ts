import { randomUUID } from 'node:crypto';
import { ERASURE_COVERAGE } from '../src/erasure/erasure-coverage';
import { MARK_PROCESSED } from '../src/events/processing/drain.sql';
import { InboxSweeper } from '../src/events/processing/inbox-sweeper.service';
import { post, trackMessage } from './factories/event.factory';
import { createKey } from './utils/keys';
import { count, sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';
import { schemaClient } from './utils/test-schema';

// The inbox's queue (event_inbox_pending) without workers (API role): what acceptance enqueues,
// what retention keeps and what erasure takes off the queue.
describe('event inbox queue', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp({ role: 'api' });
    key = await createKey(t, 'ingest');
  });
  afterAll(() => t.close());

  const accept = async (userId: string) => {
    const msg = trackMessage({ userId });
    expect((await post(t, '/v1/track', msg, key)).status).toBe(200);
    const [row] = await sql<{ id: string; shard: number }>(
      t,
      'SELECT id, shard FROM event_inbox WHERE message_id = $1',
      [msg.messageId],
    );
    return { ...row, messageId: msg.messageId as string };
  };
  // The plan Postgres makes of a statement once for any values (a named statement's generic plan).
  const genericPlan = async (text: string, types: string, values: string): Promise<string> => {
    const client = await schemaClient(t.db, '-c plan_cache_mode=force_generic_plan');
    try {
      await client.query(`PREPARE generic${types} AS ${text}`);
      const { rows } = await client.query(`EXPLAIN (FORMAT JSON) EXECUTE generic${values}`);
      return JSON.stringify(rows[0]['QUERY PLAN']);
    } finally {
      await client.end();
    }
  };
  const queued = (id: string) =>
    count(t, 'SELECT count(*) AS n FROM event_inbox_pending WHERE id = $1', [id]);
  const kept = (id: string) =>
    count(t, 'SELECT count(*) AS n FROM event_inbox WHERE id = $1', [id]);

  it('queues each accepted message once, on its shard; a retried messageId queues nothing', async () => {
    const msg = trackMessage({ userId: `u-${randomUUID()}` });
    for (let i = 0; i < 2; i++) expect((await post(t, '/v1/track', msg, key)).status).toBe(200);
    const rows = await sql<{ same_shard: boolean }>(
      t,
      `SELECT p.shard = i.shard AS same_shard FROM event_inbox i
       JOIN event_inbox_pending p ON p.id = i.id WHERE i.message_id = $1`,
      [msg.messageId],
    );
    expect(rows).toEqual([{ same_shard: true }]);
  });

  it('retention keeps a queued message however old, deletes applied ones after 7 days and failed ones after 30', async () => {
    const applied = await accept(`u-${randomUUID()}`);
    const failed = await accept(`u-${randomUUID()}`);
    const waiting = await accept(`u-${randomUUID()}`);
    // As the workers leave them: applied = off the queue; failed = off the queue with a reason.
    await sql(t, 'DELETE FROM event_inbox_pending WHERE id = ANY($1::bigint[])', [
      [applied.id, failed.id],
    ]);
    await sql(t, `UPDATE event_inbox SET failure = 'processing: test' WHERE id = $1`, [failed.id]);
    const age = (ids: string[], days: number) =>
      sql(
        t,
        `UPDATE event_inbox SET received_at = now() - make_interval(days => $2) WHERE id = ANY($1::bigint[])`,
        [ids, days],
      );
    await age([applied.id, failed.id, waiting.id], 8);
    await t.app.get(InboxSweeper).maintain();
    expect([await kept(applied.id), await kept(failed.id), await kept(waiting.id)]).toEqual([
      0, 1, 1,
    ]);
    expect(await queued(waiting.id)).toBe(1);

    await age([failed.id, waiting.id], 31);
    await t.app.get(InboxSweeper).maintain();
    expect([await kept(failed.id), await kept(waiting.id), await queued(waiting.id)]).toEqual([
      0, 1, 1,
    ]);
  });

  it("erasure takes a person's queued messages off the queue with their inbox rows", async () => {
    const userId = `erase-${randomUUID()}`;
    const mine = await accept(userId);
    const other = await accept(`u-${randomUUID()}`);
    const order = ERASURE_COVERAGE.map((s) => s.table);
    // The queue's step finds the person's messages through their inbox rows: it runs first.
    expect(order.indexOf('event_inbox_pending')).toBeLessThan(order.indexOf('event_inbox'));
    for (const table of ['event_inbox_pending', 'event_inbox']) {
      const step = ERASURE_COVERAGE.find((s) => s.table === table)!;
      await sql(
        t,
        `WITH params AS (SELECT $1::uuid[] AS profiles, $2::text[] AS ids, $3::text[] AS typed) ${step.sql}`,
        [[], [userId], [`user_id:${userId}`]],
      );
    }
    expect([await kept(mine.id), await queued(mine.id)]).toEqual([0, 0]);
    expect([await kept(other.id), await queued(other.id)]).toEqual([1, 1]);
  });
  // A shard's queue rows are spread over the table's pages (rows of all shards interleave in arrival
  // order): a batch taken off the queue must read its own rows, never the shard's whole backlog.
  it("takes a batch off the queue reading only the batch's id range of its shard, however long the backlog", async () => {
    const shard = 7;
    // Negative ids: rows no message has, so no other test of this suite sees them.
    await sql(
      t,
      `INSERT INTO event_inbox_pending (shard, id)
       SELECT CASE WHEN i % 4 = 0 THEN $1 ELSE 8 + i % 120 END, -i FROM generate_series(1, 200000) i`,
      [shard],
    );
    try {
      await sql(t, 'ANALYZE event_inbox_pending');
      // Every other queued row of the shard: the ones between stay queued (as a message queued late,
      // inside the range of a batch fetched before it committed, would).
      const batch = Array.from({ length: 1000 }, (_, i) => String(-8 * (i + 1)));
      const [{ 'QUERY PLAN': plan }] = await sql<{ 'QUERY PLAN': unknown }>(
        t,
        `EXPLAIN (FORMAT JSON) ${MARK_PROCESSED}`,
        [shard, batch],
      );
      const text = JSON.stringify(plan);
      expect(text).toContain('"Index Name":"event_inbox_pending_pk"');
      expect(text).not.toContain('Seq Scan');
      // Whatever the plan, the index is read only over the batch's id range.
      expect(text).toMatch(
        /"(Index|Recheck) Cond":"\(\(shard = '7'::smallint\) AND \(id >= \$\d\) AND \(id <= \$\d\)/,
      );
      // The drain runs it as a named statement, which Postgres may plan once for any values.
      const generic = await genericPlan(
        MARK_PROCESSED,
        '(int, bigint[])',
        `(${shard}, '{${batch.join(',')}}')`,
      );
      expect(generic).toContain('"Index Name":"event_inbox_pending_pk"');
      expect(generic).toMatch(
        /"(Index|Recheck) Cond":"\(\(shard = \$1\) AND (\(id = ANY \(\$2\)\) AND )?\(id >= \$\d\) AND \(id <= \$\d\)\)"/,
      );
      await sql(t, MARK_PROCESSED, [shard, batch]);
      expect(
        await count(
          t,
          'SELECT count(*) AS n FROM event_inbox_pending WHERE id = ANY($1::bigint[])',
          [batch],
        ),
      ).toBe(0);
      expect(
        await count(
          t,
          'SELECT count(*) AS n FROM event_inbox_pending WHERE shard = $1 AND id BETWEEN -8000 AND -8',
          [shard],
        ),
      ).toBe(999);
    } finally {
      await sql(t, 'DELETE FROM event_inbox_pending WHERE id < 0');
    }
  });
});
