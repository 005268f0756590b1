import { migrationSchema } from './utils/migration-schema';

const MIGRATION = 'EventInboxPending1795380000000';

// The inbox-queue migration on an inbox of the old shape (states in the rows): waiting messages
// land on the queue, failed ones keep their reason, and `down` gives the states back.
describe('event inbox queue migration', () => {
  const { q, migrate, revertThrough, applied } = migrationSchema();

  it('queues the waiting messages, keeps failures, and reverts to the states', async () => {
    await revertThrough(MIGRATION);
    await q(
      `INSERT INTO event_inbox (source_id, message_id, shard, type, payload, received_at, state, failure)
       VALUES ('s', 'waiting', 3, 'track', '{}', now(), 'received', NULL),
              ('s', 'applied', 4, 'track', '{}', now(), 'processed', NULL),
              ('s', 'failed', 5, 'track', '{}', now(), 'failed', 'processing: bad')`,
    );

    await migrate();
    expect(await applied(MIGRATION)).toBe(true);
    expect(
      await q(
        `SELECT i.message_id, p.shard FROM event_inbox_pending p JOIN event_inbox i USING (id)`,
      ),
    ).toEqual([{ message_id: 'waiting', shard: 3 }]);
    expect(
      await q(`SELECT message_id, failure FROM event_inbox WHERE failure IS NOT NULL`),
    ).toEqual([{ message_id: 'failed', failure: 'processing: bad' }]);

    await revertThrough(MIGRATION);
    expect(
      await q(`SELECT message_id, state, failure FROM event_inbox ORDER BY message_id`),
    ).toEqual([
      { message_id: 'applied', state: 'processed', failure: null },
      { message_id: 'failed', state: 'failed', failure: 'processing: bad' },
      { message_id: 'waiting', state: 'received', failure: null },
    ]);
    await migrate();
    expect(await applied(MIGRATION)).toBe(true);
  });
});
