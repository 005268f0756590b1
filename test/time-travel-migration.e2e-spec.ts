import { randomUUID } from 'node:crypto';
import * as HISTORY from '../src/identity/history/identity-history.sql';
import { migrationSchema } from './utils/migration-schema';

const MIGRATION = 'TimeTravel1795372000000';

// The time-travel migration on a schema holding data of the shape before it: existing identities
// are known since always, existing merge-log entries are dated by their `at`, and `down` gives the
// old shape back with the data intact.
describe('time-travel migration', () => {
  const { q, migrate, revertThrough, applied } = migrationSchema();

  it('migrates existing identities and merge-log entries, and reverts without losing them', async () => {
    await revertThrough(MIGRATION);
    const [p, q2] = [randomUUID(), randomUUID()];
    const mergedAt = new Date('2026-03-01T10:00:00Z');
    await q(`INSERT INTO profile (id, revision) VALUES ($1, 2), ($2, 1)`, [p, q2]);
    await q(`UPDATE profile SET merged_into = $1 WHERE id = $2`, [p, q2]);
    await q(
      `INSERT INTO identity (type, value, profile_id, source_kind, first_seen_at) VALUES
       ('user_id', 'old-u', $1, 'api', '2026-02-01T00:00:00Z'), ('anonymous_id', 'old-a', $1, 'event', '2026-02-02T00:00:00Z')`,
      [p],
    );
    await q(
      `INSERT INTO profile_merge (kind, from_profile_id, into_profile_id, identities, cause_kind, rule, at)
       VALUES ('merge', $1, $2, '[]', 'event', 'observed-together', $3)`,
      [q2, p, mergedAt],
    );

    await migrate();
    expect(await applied(MIGRATION)).toBe(true);
    expect(await q(`SELECT type, recorded_at FROM identity ORDER BY type`)).toEqual([
      { type: 'anonymous_id', recorded_at: null },
      { type: 'user_id', recorded_at: null },
    ]);
    expect(await q(`SELECT recorded_at FROM profile_merge`)).toEqual([{ recorded_at: mergedAt }]);
    expect(await q(`SELECT count(*)::int AS n FROM identity_move`)).toEqual([{ n: 0 }]);
    // Identities recorded before the migration are known since always, on their profile of today.
    const longAgo = new Date('2000-01-01T00:00:00Z');
    expect(await q(HISTORY.PROFILE_OF_IDENTITY_AT, ['user_id', 'old-u', longAgo, longAgo])).toEqual(
      [{ profile_id: p }],
    );
    expect((await q(HISTORY.MEMBERS_AT, [p, longAgo, longAgo])).map((r) => r.value)).toEqual([
      'old-a',
      'old-u',
    ]);
    // New identities are stamped when recorded.
    await q(
      `INSERT INTO identity (type, value, profile_id, source_kind) VALUES ('user_id', 'new-u', $1, 'api')`,
      [q2],
    );
    expect(await q(HISTORY.PROFILE_OF_IDENTITY_AT, ['user_id', 'new-u', longAgo, longAgo])).toEqual(
      [],
    );
    await q(
      `INSERT INTO identity_move (type, value, from_profile_id, to_profile_id, recorded_at) VALUES ('user_id', 'new-u', $1, $2, now())`,
      [q2, p],
    );

    await revertThrough(MIGRATION);
    expect(await q(`SELECT to_regclass('identity_move') AS t`)).toEqual([{ t: null }]);
    expect(await q(`SELECT count(*)::int AS n FROM identity`)).toEqual([{ n: 3 }]);
    expect(await q(`SELECT at FROM profile_merge`)).toEqual([{ at: mergedAt }]);
    await migrate();
    expect(await applied(MIGRATION)).toBe(true);
  });
});
