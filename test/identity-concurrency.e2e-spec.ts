import { randomBytes } from 'node:crypto';
import { DomainError, ErrorCode } from '../src/common/errors/domain-error';
import { IdentityPreviewService } from '../src/identity/preview/identity-preview.service';
import { IdentityResolver } from '../src/identity/resolve/identity-resolver.service';
import { UnmergeService } from '../src/identity/unmerge/unmerge.service';
import { TraitWriter } from '../src/traits/trait-writer.service';
import { insertTraitDefinitions, traitSpec } from './factories/trait-definition.factory';
import { count, sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';
import { schemaClient } from './utils/test-schema';
import { waitFor } from './utils/wait';

const WRITERS = 8;
const DURATION_MS = Number(process.env.IDENTITY_CONCURRENCY_MS ?? 10_000);
const SPACE: Record<string, number> = { user_id: 6, email: 6, device_id: 4, anonymous_id: 10 };
const LIMITS: Record<string, number> = { user_id: 1, email: 5, device_id: 20, anonymous_id: 100 };

describe('identity resolution under concurrent writers', () => {
  let t: TestApp;
  const level = traitSpec({ type: 'number' });
  const ns = randomBytes(4).toString('hex');
  const types = Object.keys(SPACE);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)];
  const randomId = () => {
    const type = pick(types);
    return { type, value: `${ns}-${type}-${Math.floor(Math.random() * SPACE[type])}` };
  };
  const used = new Set<string>();
  const errors: unknown[] = [];
  const done = { observe: 0, write: 0, unmerge: 0, expected: 0 };
  // Every row its own instant: two values observed at the very same instant are a conflict the
  // write path rejects by design, which is not what this test is about.
  const base = Date.now() - 86_400_000;
  let tick = 0;

  beforeAll(async () => {
    t = await startTestApp();
    await insertTraitDefinitions(t.db.url, t.db.schema, [level]);
  }, 60_000);
  afterAll(() => t.close());

  async function step(): Promise<void> {
    const roll = Math.random();
    if (roll < 0.55) {
      const batch = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => ({
        identities: Array.from({ length: 1 + Math.floor(Math.random() * 4) }, randomId),
        cause: { kind: 'test' },
      }));
      batch.forEach((o) => o.identities.forEach((i) => used.add(`${i.type}:${i.value}`)));
      await t.app.get(IdentityResolver).observeMany(batch);
      done.observe += batch.length;
    } else if (roll < Number(process.env.UNMERGE_FROM ?? 0.95)) {
      const rows = Array.from({ length: 1 + Math.floor(Math.random() * 5) }, () => ({
        identity: randomId(),
        trait: level.name,
        value: Math.floor(Math.random() * 100),
        observedAt: new Date(base + ++tick),
      }));
      rows.forEach((r) => used.add(`${r.identity.type}:${r.identity.value}`));
      const result = await t.app
        .get(TraitWriter)
        .write({ rows, provenance: { sourceKind: 'api', sourceRef: {}, runId: ns } });
      if (result.rejected.length > 0)
        throw new Error(`rejected: ${JSON.stringify(result.rejected)}`);
      done.write += 1;
    } else {
      try {
        await t.app.get(UnmergeService).unmerge(randomId(), { kind: 'test' });
        done.unmerge += 1;
      } catch (err) {
        // Unmerging an identity that is alone or not seen yet is a normal answer here.
        const expected =
          err instanceof DomainError &&
          [ErrorCode.CONFLICT, ErrorCode.PROFILE_NOT_FOUND].includes(err.code);
        if (!expected) throw err;
        done.expected += 1;
      }
    }
  }

  it(
    '8 writers over a small id space for 10 s: no error reaches a caller, the invariants hold',
    async () => {
      const deadline = Date.now() + DURATION_MS;
      await Promise.all(
        Array.from({ length: WRITERS }, async () => {
          while (Date.now() < deadline) await step().catch((err: unknown) => errors.push(err));
        }),
      );
      if (process.env.IDENTITY_TEST_VERBOSE) process.stderr.write(`${JSON.stringify(done)}\n`);
      expect(errors).toEqual([]);
      // The writers really wrote (how much depends on the machine; not a speed test).
      expect(done.observe).toBeGreaterThan(20);
      expect(done.write).toBeGreaterThan(10);

      // Every identity used is on exactly one live profile; none lost.
      const identities = await sql<{ type: string; value: string }>(
        t,
        'SELECT type, value FROM identity WHERE value LIKE $1',
        [`${ns}-%`],
      );
      expect(new Set(identities.map((i) => `${i.type}:${i.value}`))).toEqual(used);
      expect(
        await count(
          t,
          'SELECT count(*) AS n FROM identity i LEFT JOIN profile p ON p.id = i.profile_id WHERE p.id IS NULL OR p.merged_into IS NOT NULL',
        ),
      ).toBe(0);
      // No value on a merged-away profile, and no profile over a limit.
      expect(
        await count(
          t,
          'SELECT count(*) AS n FROM trait_revision r JOIN profile p ON p.id = r.profile_id WHERE p.merged_into IS NOT NULL',
        ),
      ).toBe(0);
      const overLimit = await sql<{ type: string; n: string }>(
        t,
        'SELECT type, count(*) AS n FROM identity GROUP BY profile_id, type',
      );
      for (const row of overLimit) expect(Number(row.n)).toBeLessThanOrEqual(LIMITS[row.type]);
      // Every value arrived through an identity that is on the same profile.
      expect(
        await count(
          t,
          `SELECT count(*) AS n FROM trait_revision r JOIN identity i ON i.type = r.identity_type AND i.value = r.identity_value
         WHERE i.profile_id <> r.profile_id`,
        ),
      ).toBe(0);
      // Current values point at the latest revision of their own profile.
      expect(
        await count(
          t,
          `SELECT count(*) AS n FROM trait_value tv
         WHERE tv.revision_id IS DISTINCT FROM (
           SELECT r.id FROM trait_revision r WHERE r.profile_id = tv.profile_id AND r.trait_id = tv.trait_id
             AND (r.valid_to IS NULL OR r.valid_to <> r.valid_from)
           ORDER BY r.valid_from DESC, r.id DESC LIMIT 1)`,
        ),
      ).toBe(0);
      // The dated moves of every identity chain up in the order of their stamps (each leaves the
      // profile the previous one brought it to) and end on the profile it is on now.
      expect(
        await count(t, 'SELECT count(*) AS n FROM identity_move WHERE value LIKE $1', [`${ns}-%`]),
      ).toBeGreaterThan(0);
      expect(
        await count(
          t,
          `SELECT count(*) AS n FROM (
             SELECT m.from_profile_id, m.to_profile_id, i.profile_id AS now_on,
                    lag(m.to_profile_id) OVER w AS came_from_move, lead(m.id) OVER w AS next_move
             FROM identity_move m JOIN identity i ON i.type = m.type AND i.value = m.value
             WHERE m.value LIKE $1
             WINDOW w AS (PARTITION BY m.type, m.value ORDER BY m.recorded_at, m.id)) x
           WHERE (came_from_move IS NOT NULL AND came_from_move <> from_profile_id)
              OR (next_move IS NULL AND to_profile_id <> now_on)`,
          [`${ns}-%`],
        ),
      ).toBe(0);
      // The replay log (links and first sightings in their order) reproduces the partition exactly.
      expect(await t.app.get(IdentityPreviewService).preview('')).toMatchObject({
        merges: 0,
        splits: 0,
      });
    },
    DURATION_MS + 50_000,
  );

  it('an identity moved between the read and the lock is read again: nothing lands on a merged-away profile', async () => {
    const resolver = t.app.get(IdentityResolver);
    const id = (type: string, k: string) => ({ type, value: `${ns}-race-${k}` });
    const [a] = await resolver.observeMany([
      { identities: [id('anonymous_id', 'a')], cause: { kind: 'test' } },
    ]);
    const [b] = await resolver.observeMany([
      { identities: [id('anonymous_id', 'b')], cause: { kind: 'test' } },
    ]);
    // Another writer holds profile A, merges it into B and commits while our resolution waits for
    // A's lock — after it read where anonymous_id a was.
    const other = await schemaClient(t.db);
    try {
      await other.query('BEGIN');
      await other.query('SELECT id FROM profile WHERE id = $1 FOR UPDATE', [a.profileId]);
      const observed = resolver.observe([id('anonymous_id', 'a'), id('device_id', 'd')], {
        kind: 'test',
      });
      // (Polled from another session: inside a transaction pg_stat_activity is a snapshot.)
      await waitFor(
        'the resolution to wait for the profile lock',
        async () =>
          (await count(
            t,
            `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()
             AND wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE%'`,
          )) > 0,
        { timeoutMs: 10_000, everyMs: 20 },
      );
      await other.query('UPDATE identity SET profile_id = $2 WHERE profile_id = $1', [
        a.profileId,
        b.profileId,
      ]);
      await other.query(
        'UPDATE profile SET merged_into = $2, revision = revision + 1 WHERE id = $1',
        [a.profileId, b.profileId],
      );
      await other.query('COMMIT');
      expect((await observed).profileId).toBe(b.profileId);
    } finally {
      await other.end();
    }
    const rows = await sql<{ value: string; profile_id: string }>(
      t,
      'SELECT value, profile_id FROM identity WHERE value LIKE $1 ORDER BY value',
      [`${ns}-race-%`],
    );
    expect(rows.map((r) => [r.value.slice(-1), r.profile_id])).toEqual([
      ['a', b.profileId],
      ['b', b.profileId],
      ['d', b.profileId],
    ]);
  });
});
