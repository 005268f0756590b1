import type { Client } from 'pg';
import { distributionProblems, KNOWN_DEPARTURES } from '../src/database/distribution';
import { createTestSchema, schemaClient, TestSchema } from './utils/test-schema';

// The schema stays distributable by profile (Citus): read from the catalog of a freshly migrated
// schema, not asserted in docs. docs/scaling.md explains the rules.
describe('distribution by profile', () => {
  let db: TestSchema;
  let client: Client;

  beforeAll(async () => {
    db = await createTestSchema();
    client = await schemaClient(db);
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  it('every per-profile table is keyed by profile_id and no foreign key crosses distribution keys', async () => {
    expect(await distributionProblems(client, db.schema)).toEqual([]);
    // Each known departure still exists: one that was fixed must leave the list.
    expect(Object.keys(KNOWN_DEPARTURES)).toEqual([
      'events: primary key (inbox_id, timestamp) lacks profile_id',
    ]);
  });

  it('fails when a migration adds a per-profile table keyed without profile_id, or a crossing foreign key', async () => {
    await client.query('BEGIN');
    try {
      // What a careless migration would add.
      await client.query(
        `CREATE TABLE player_note (id bigint PRIMARY KEY, profile_id uuid NOT NULL, note text)`,
      );
      await client.query(
        `CREATE TABLE player_badge (profile_id uuid, badge text, code text, PRIMARY KEY (profile_id, badge))`,
      );
      await client.query(`CREATE UNIQUE INDEX player_badge_code_uq ON player_badge (code)`);
      await client.query(`CREATE TABLE badge_award (
        profile_id uuid, badge text, awarded_by uuid, PRIMARY KEY (profile_id, badge),
        CONSTRAINT badge_award_awarder_fk FOREIGN KEY (awarded_by, badge) REFERENCES player_badge (profile_id, badge))`);
      await client.query(`CREATE TABLE leaderboard (id bigint PRIMARY KEY, profile_id_ref uuid,
        CONSTRAINT leaderboard_profile_fk FOREIGN KEY (profile_id_ref) REFERENCES profile (id))`);
      expect(await distributionProblems(client, db.schema)).toEqual([
        {
          table: 'player_badge',
          rule: 'unique index player_badge_code_uq (code) lacks profile_id',
        },
        { table: 'player_note', rule: 'primary key (id) lacks profile_id' },
        {
          table: 'badge_award',
          rule: 'foreign key badge_award_awarder_fk to player_badge crosses distribution keys (profile_id → profile_id not joined)',
        },
        {
          table: 'leaderboard',
          rule: 'foreign key leaderboard_profile_fk references distributed profile from a table that is not distributed',
        },
      ]);
    } finally {
      await client.query('ROLLBACK');
    }
    expect(await distributionProblems(client, db.schema)).toEqual([]);
  });
});
