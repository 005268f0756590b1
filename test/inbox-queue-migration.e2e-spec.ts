import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { revertLastMigration, runMigrations } from '../src/database/migrate';
import { TEST_DATABASE_URL } from './utils/env';

const MIGRATION = 'EventInboxPending1795380000000';

// The inbox-queue migration on an inbox of the old shape (states in the rows): waiting messages
// land on the queue, failed ones keep their reason, and `down` gives the states back.
describe('event inbox queue migration', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  let db: Client;
  const q = async (text: string, params: unknown[] = []) => (await db.query(text, params)).rows;
  const applied = async () => (await q('SELECT name FROM migrations')).map((r) => r.name as string);

  beforeAll(async () => {
    await runMigrations(TEST_DATABASE_URL, schema);
    db = new Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
    await db.connect();
  });
  afterAll(async () => {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
  });

  it('queues the waiting messages, keeps failures, and reverts to the states', async () => {
    while ((await applied()).includes(MIGRATION))
      await revertLastMigration(TEST_DATABASE_URL, schema);
    await q(
      `INSERT INTO event_inbox (source_id, message_id, shard, type, payload, received_at, state, failure)
       VALUES ('s', 'waiting', 3, 'track', '{}', now(), 'received', NULL),
              ('s', 'applied', 4, 'track', '{}', now(), 'processed', NULL),
              ('s', 'failed', 5, 'track', '{}', now(), 'failed', 'processing: bad')`,
    );

    await runMigrations(TEST_DATABASE_URL, schema);
    expect(await applied()).toContain(MIGRATION);
    expect(
      await q(
        `SELECT i.message_id, p.shard FROM event_inbox_pending p JOIN event_inbox i USING (id)`,
      ),
    ).toEqual([{ message_id: 'waiting', shard: 3 }]);
    expect(
      await q(`SELECT message_id, failure FROM event_inbox WHERE failure IS NOT NULL`),
    ).toEqual([{ message_id: 'failed', failure: 'processing: bad' }]);

    await revertLastMigration(TEST_DATABASE_URL, schema);
    expect(
      await q(`SELECT message_id, state, failure FROM event_inbox ORDER BY message_id`),
    ).toEqual([
      { message_id: 'applied', state: 'processed', failure: null },
      { message_id: 'failed', state: 'failed', failure: 'processing: bad' },
      { message_id: 'waiting', state: 'received', failure: null },
    ]);
    await runMigrations(TEST_DATABASE_URL, schema);
    expect(await applied()).toContain(MIGRATION);
  });
});
