import { randomUUID } from 'node:crypto';
import { ApiTraitWrites } from '../src/traits/api-trait-writes.service';
import type { TraitWriteRow } from '../src/traits/trait-write.types';
import { MAX_BATCH_ROWS, TraitWriter } from '../src/traits/trait-writer.service';
import { insertTraitDefinitions, traitSpec } from './factories/trait-definition.factory';
import { gql } from './utils/graphql-request';
import { createKey } from './utils/keys';
import { count, sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';
import { schemaClient } from './utils/test-schema';
import { WRITE_PATHS } from './utils/write-paths';

const WRITE = `mutation W($input: WriteTraitsInput!) {
  writeTraits(input: $input) { runId accepted revisions unchanged rejected { index reason } }
}`;
const PROFILE = `query P($id: IdentityInput!, $asOf: DateTime, $name: String!) {
  profile(identity: $id, asOf: $asOf) {
    id revision
    trait(name: $name) { name value status updatedAt provenance { sourceKind runId definitionVersion observedAt identity { type value } } }
  }
}`;

describe.each(WRITE_PATHS)('trait write path ($path)', ({ config }) => {
  let t: TestApp;
  let key: string;
  const level = traitSpec({ type: 'number' });
  const country = traitSpec({ type: 'category', values: ['KH', 'TH', 'VN'] });
  const seen = traitSpec({ type: 'timestamp' });
  const vip = traitSpec({ type: 'boolean' });
  const nick = traitSpec({ type: 'string' });

  beforeAll(async () => {
    t = await startTestApp(config);
    await insertTraitDefinitions(t.db.url, t.db.schema, [level, country, seen, vip, nick]);
    key = await createKey(t, 'traits:write', 'profile:read');
  });
  afterAll(() => t.close());

  const revisionsOf = (traitName: string) =>
    count(
      t,
      'SELECT count(*) AS n FROM trait_revision r JOIN trait_definition d ON d.id = r.trait_id WHERE d.name = $1',
      [traitName],
    );

  it('accepts concurrent writes of one trait that name no observedAt: each is a value of its own instant, none refused', async () => {
    const user = { type: 'user_id', value: randomUUID() };
    const values = Array.from({ length: 40 }, (_, i) => i);
    const results = await Promise.all(
      values.map((value) =>
        gql<any>(
          t.url,
          WRITE,
          { input: { rows: [{ identity: user, trait: level.name, value }] } },
          key,
        ),
      ),
    );
    for (const r of results)
      expect(r.data.writeTraits).toMatchObject({ accepted: 1, rejected: [] });
    // Every write is a revision, at an instant of its own; the current value is the latest one's.
    const [{ revisions, instants }] = await sql<{ revisions: string; instants: string }>(
      t,
      `SELECT count(*) AS revisions, count(DISTINCT r.valid_from) AS instants
       FROM trait_revision r JOIN identity i ON i.profile_id = r.profile_id
       JOIN trait_definition d ON d.id = r.trait_id
       WHERE i.type = 'user_id' AND i.value = $1 AND d.name = $2`,
      [user.value, level.name],
    );
    expect(Number(instants)).toBe(Number(revisions));
    const [latest] = await sql<{ value: number }>(
      t,
      `SELECT r.value FROM trait_revision r JOIN identity i ON i.profile_id = r.profile_id
       JOIN trait_definition d ON d.id = r.trait_id
       WHERE i.type = 'user_id' AND i.value = $1 AND d.name = $2
       ORDER BY r.valid_from DESC LIMIT 1`,
      [user.value, level.name],
    );
    const current = await gql<any>(t.url, PROFILE, { id: user, name: level.name }, key);
    expect(current.data.profile.trait.value).toBe(latest.value);
  });

  it('writing the same batch twice creates no revision and bumps no profile the second time', async () => {
    const users = Array.from({ length: 50 }, () => randomUUID());
    const observedAt = new Date(Date.now() - 60_000).toISOString();
    const rows = users.flatMap((u, i) => [
      { identity: { type: 'user_id', value: u }, trait: level.name, value: i, observedAt },
      { identity: { type: 'user_id', value: u }, trait: vip.name, value: i % 2 === 0, observedAt },
    ]);
    const first = await gql<{ writeTraits: { revisions: number; accepted: number } }>(
      t.url,
      WRITE,
      { input: { rows } },
      key,
    );
    expect(first.errors).toBeUndefined();
    expect(first.data!.writeTraits).toMatchObject({ accepted: 100, revisions: 100 });
    const before = await sql<{ s: string }>(t, 'SELECT sum(revision)::text AS s FROM profile');
    const revisionsBefore = await count(t, 'SELECT count(*) AS n FROM trait_revision');

    const second = await gql<{ writeTraits: { revisions: number; unchanged: number } }>(
      t.url,
      WRITE,
      { input: { rows } },
      key,
    );
    expect(second.data!.writeTraits).toMatchObject({ revisions: 0, unchanged: 100 });
    expect(await count(t, 'SELECT count(*) AS n FROM trait_revision')).toBe(revisionsBefore);
    expect(await sql(t, 'SELECT sum(revision)::text AS s FROM profile')).toEqual(before);
  });

  it('skips unchanged rows of a re-load before locking: a locked profile does not hold it up, changed rows still land', async () => {
    const users = Array.from({ length: 20 }, () => ({ type: 'user_id', value: randomUUID() }));
    const at = new Date(Date.now() - 120_000);
    const later = new Date(at.getTime() + 60_000).toISOString();
    const rows: TraitWriteRow[] = users.map((identity, i) => ({
      identity,
      trait: level.name,
      value: i,
      observedAt: at.toISOString(),
    }));
    const writer = t.app.get(TraitWriter);
    const provenance = { sourceKind: 'api' as const, sourceRef: {}, runId: 'skip' };
    await writer.write({ rows, provenance });
    const [{ id: lockedId }] = await sql<{ id: string }>(
      t,
      'SELECT profile_id AS id FROM identity WHERE type = $1 AND value = $2',
      [users[0].type, users[0].value],
    );
    const feedBefore = await count(t, 'SELECT count(*) AS n FROM change_feed');

    const locker = await schemaClient(t.db);
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM profile WHERE id = $1 FOR UPDATE', [lockedId]);
      // The identical re-load touches no profile, so the lock held elsewhere does not block it.
      const again = await writer.write({ rows, provenance });
      expect(again).toMatchObject({ accepted: 20, revisions: 0, unchanged: 20, profiles: [] });
      await locker.query('COMMIT');
    } finally {
      await locker.end();
    }

    // Mixed: one changed value, one newer observation of the same value, the rest identical.
    const mixed = rows.map((r) => ({ ...r }));
    mixed[1] = { ...mixed[1], value: 1001, observedAt: later };
    mixed[2] = { ...mixed[2], observedAt: later };
    const result = await writer.write({ rows: mixed, provenance });
    expect(result.rejected).toEqual([]);
    expect(result).toMatchObject({ accepted: 20, revisions: 1, unchanged: 19 });
    expect(result.profiles).toHaveLength(1);
    expect((await count(t, 'SELECT count(*) AS n FROM change_feed')) - feedBefore).toBe(1);
    const [confirmed] = await sql<{ last: Date }>(
      t,
      `SELECT tv.last_observed_at AS last FROM trait_value tv JOIN identity i ON i.profile_id = tv.profile_id
       WHERE i.type = $1 AND i.value = $2`,
      [users[2].type, users[2].value],
    );
    expect(new Date(confirmed.last).toISOString()).toBe(later);
  });

  it('answers as of any time, keeps late observations in history only', async () => {
    const user = { type: 'user_id', value: randomUUID() };
    const t0 = new Date('2026-01-01T00:00:00Z');
    const t1 = new Date('2026-02-01T00:00:00Z');
    const t2 = new Date('2026-03-01T00:00:00Z');
    const w = (value: number, at: Date, runId: string) =>
      gql(
        t.url,
        WRITE,
        {
          input: {
            runId,
            rows: [{ identity: user, trait: level.name, value, observedAt: at.toISOString() }],
          },
        },
        key,
      );
    await w(1, t1, 'run-v1');
    await w(2, t2, 'run-v2');

    const between = await gql<any>(
      t.url,
      PROFILE,
      { id: user, asOf: '2026-02-15T00:00:00Z', name: level.name },
      key,
    );
    expect(between.data.profile.trait).toMatchObject({
      value: 1,
      status: 'present',
      provenance: {
        sourceKind: 'api',
        runId: 'run-v1',
        definitionVersion: 1,
        observedAt: t1.toISOString(),
        identity: user,
      },
    });
    const before = await gql<any>(
      t.url,
      PROFILE,
      { id: user, asOf: '2025-12-31T00:00:00Z', name: level.name },
      key,
    );
    expect(before.data.profile.trait).toMatchObject({
      value: null,
      status: 'missing',
      provenance: null,
    });

    const late = await w(0, t0, 'run-late');
    expect((late.data as any).writeTraits).toMatchObject({ accepted: 1, revisions: 1 });
    const now = await gql<any>(t.url, PROFILE, { id: user, name: level.name }, key);
    expect(now.data.profile.trait).toMatchObject({ value: 2, provenance: { runId: 'run-v2' } });
    const atT0 = await gql<any>(
      t.url,
      PROFILE,
      { id: user, asOf: '2026-01-15T00:00:00Z', name: level.name },
      key,
    );
    expect(atT0.data.profile.trait).toMatchObject({ value: 0, provenance: { runId: 'run-late' } });
    const stillT1 = await gql<any>(
      t.url,
      PROFILE,
      { id: user, asOf: '2026-02-15T00:00:00Z', name: level.name },
      key,
    );
    expect(stillT1.data.profile.trait.value).toBe(1);

    const history = await gql<any>(
      t.url,
      `query H($id: IdentityInput!, $name: String!) { profile(identity: $id) { history(trait: $name) { value validFrom validTo } } }`,
      { id: user, name: level.name },
      key,
    );
    expect(history.data.profile.history).toEqual([
      { value: 2, validFrom: t2.toISOString(), validTo: null },
      { value: 1, validFrom: t1.toISOString(), validTo: t2.toISOString() },
      { value: 0, validFrom: t0.toISOString(), validTo: t1.toISOString() },
    ]);
    // Re-sending the late observation is a no-op.
    const again = await w(0, t0, 'run-late-again');
    expect((again.data as any).writeTraits).toMatchObject({ revisions: 0, unchanged: 1 });
  });

  it('keeps the 990 valid rows of a 1,000-row batch and reports the 10 bad ones by index and reason', async () => {
    const rows: TraitWriteRow[] = Array.from({ length: 1000 }, (_, i) => ({
      identity: { type: 'user_id', value: randomUUID() },
      trait: nick.name,
      value: `player-${i}`,
    }));
    const bad = new Map<number, RegExp>();
    for (const i of [3, 150, 299]) {
      rows[i] = { ...rows[i], value: 42 };
      bad.set(i, /value: must be a string/);
    }
    for (const i of [400, 401, 777]) {
      rows[i] = { ...rows[i], trait: 'no_such_trait' };
      bad.set(i, /trait: unknown trait "no_such_trait"/);
    }
    for (const i of [500, 998]) {
      rows[i] = { ...rows[i], identity: { type: 'user_id', value: '   ' } };
      bad.set(i, /identity.value: must not be empty/);
    }
    rows[600] = { ...rows[600], trait: country.name, value: 'FR' };
    bad.set(600, /value: must be one of KH, TH, VN/);
    rows[999] = { ...rows[999], observedAt: 'yesterday-ish' };
    bad.set(999, /observedAt: must be an ISO-8601 timestamp/);

    const profilesBefore = await count(t, 'SELECT count(*) AS n FROM profile');
    const result = await t.app
      .get(TraitWriter)
      .write({ rows, provenance: { sourceKind: 'api', sourceRef: {}, runId: 'bulk' } });
    expect(result.accepted).toBe(990);
    expect(result.revisions).toBe(990);
    expect(result.rejected.map((r) => r.index)).toEqual([...bad.keys()].sort((a, b) => a - b));
    for (const r of result.rejected) expect(r.reason).toMatch(bad.get(r.index)!);
    expect(await revisionsOf(nick.name)).toBe(990);
    expect(await revisionsOf(country.name)).toBe(0);
    expect(await count(t, 'SELECT count(*) AS n FROM profile')).toBe(profilesBefore + 990);
  });

  it('rejects malformed GraphQL input with field paths and writes nothing', async () => {
    const before = await count(t, 'SELECT count(*) AS n FROM trait_revision');
    const res = await gql(t.url, WRITE, { input: { rows: [] } }, key);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toMatch(/rows/);
    const noTrait = await gql(
      t.url,
      WRITE,
      { input: { rows: [{ identity: { type: 'user_id', value: 'x' }, value: 1 }] } },
      key,
    );
    expect(noTrait.errors?.[0].message).toMatch(/trait/);
    expect(await count(t, 'SELECT count(*) AS n FROM trait_revision')).toBe(before);
  });

  it('stores timestamps normalised, merges in-batch observations of one key in time order', async () => {
    const user = { type: 'email', value: `  Player.${randomUUID()}@Example.COM ` };
    const result = await t.app.get(TraitWriter).write({
      provenance: { sourceKind: 'api', sourceRef: {}, runId: 'order' },
      rows: [
        {
          identity: user,
          trait: seen.name,
          value: '2026-03-01T10:00:00+07:00',
          observedAt: '2026-03-02T00:00:00Z',
        },
        { identity: user, trait: level.name, value: 3, observedAt: '2026-03-03T00:00:00Z' },
        { identity: user, trait: level.name, value: 1, observedAt: '2026-03-01T00:00:00Z' },
        { identity: user, trait: level.name, value: 1, observedAt: '2026-03-02T00:00:00Z' },
      ],
    });
    // level: 1 (03-01), unchanged at 03-02, 3 (03-03) → 2 revisions; seen → 1.
    expect(result).toMatchObject({ accepted: 4, revisions: 3, unchanged: 1 });
    const [profile] = await sql<{ revision: string }>(
      t,
      `SELECT p.revision FROM profile p JOIN identity i ON i.profile_id = p.id WHERE i.type = 'email' AND i.value = $1`,
      [user.value.trim().toLowerCase()],
    );
    expect(profile.revision).toBe('1');
    const res = await fetch(
      `${t.url}/v1/profiles/email:${encodeURIComponent(user.value.trim())}/traits?include=${seen.name},${level.name}`,
      {
        headers: { authorization: `Bearer ${key}` },
      },
    );
    expect(await res.json()).toEqual({
      traits: { [seen.name]: '2026-03-01T03:00:00.000Z', [level.name]: 3 },
    });
  });

  it("records a row's own source ref in place of the batch's, fresh and late alike", async () => {
    const user = { type: 'user_id', value: randomUUID() };
    const write = (rows: TraitWriteRow[]) =>
      t.app.get(TraitWriter).write({
        rows,
        provenance: { sourceKind: 'api', sourceRef: { keyId: 'k1' }, runId: 'refs' },
      });
    await write([
      {
        identity: user,
        trait: level.name,
        value: 5,
        observedAt: '2026-04-03T00:00:00Z',
        sourceRef: { messageId: 'm-3' },
      },
      { identity: user, trait: level.name, value: 2, observedAt: '2026-04-01T00:00:00Z' },
    ]);
    // Late: before the current value, so it goes into history between the two.
    await write([
      {
        identity: user,
        trait: level.name,
        value: 4,
        observedAt: '2026-04-02T00:00:00Z',
        sourceRef: { messageId: 'm-2' },
      },
    ]);
    const refs = await sql<{ value: number; source_ref: unknown }>(
      t,
      `SELECT r.value, r.source_ref FROM trait_revision r JOIN identity i ON i.profile_id = r.profile_id
       WHERE i.type = 'user_id' AND i.value = $1 ORDER BY r.valid_from`,
      [user.value],
    );
    expect(refs).toEqual([
      { value: 2, source_ref: { keyId: 'k1' } },
      { value: 4, source_ref: { messageId: 'm-2' } },
      { value: 5, source_ref: { messageId: 'm-3' } },
    ]);
  });

  it('refuses a sourceRef in writeTraits rows by name: provenance is the key, not the body', async () => {
    const user = { type: 'user_id', value: randomUUID() };
    const row = { identity: user, trait: level.name, value: 9, sourceRef: { messageId: 'forged' } };
    const res = await gql(t.url, WRITE, { input: { rows: [row] } }, key);
    expect(res.errors?.[0].message).toMatch(/sourceRef/);
    expect(
      await count(t, `SELECT count(*) AS n FROM identity WHERE type = 'user_id' AND value = $1`, [
        user.value,
      ]),
    ).toBe(0);
  });

  // One commit per call: the run is inserted whole by the write's own transaction.
  it("records a writeTraits call's run in the transaction of its revisions", async () => {
    const user = { type: 'user_id', value: randomUUID() };
    const rows = [
      { identity: user, trait: level.name, value: 1 },
      { identity: user, trait: vip.name, value: true },
      { identity: user, trait: country.name, value: 'XX' },
    ];
    const res = await gql<{ writeTraits: { runId: string } }>(
      t.url,
      WRITE,
      { input: { rows } },
      key,
    );
    expect(res.errors).toBeUndefined();
    const runId = res.data!.writeTraits.runId;
    const [run] = await sql<Record<string, unknown>>(
      t,
      `SELECT source_kind, status, error, rows_read, rows_changed, rows_unchanged, rows_rejected,
              rejected_sample, metadata ? 'keyId' AS has_key, finished_at >= started_at AS ordered,
              xmin::text AS xid FROM run WHERE id = $1`,
      [runId],
    );
    expect(run).toMatchObject({
      source_kind: 'api',
      status: 'succeeded',
      error: null,
      rows_read: 3,
      rows_changed: 2,
      rows_unchanged: 0,
      rows_rejected: 1,
      rejected_sample: [{ trait: country.name, reason: expect.stringContaining(country.name) }],
      has_key: true,
      ordered: true,
    });
    const revisions = await sql<{ xid: string }>(
      t,
      'SELECT DISTINCT xmin::text AS xid FROM trait_revision WHERE run_id = $1',
      [runId],
    );
    expect(revisions).toEqual([{ xid: run.xid }]);

    // Nothing valid: no write transaction, the run is still recorded.
    const none = await gql<{ writeTraits: { runId: string } }>(
      t.url,
      WRITE,
      { input: { rows: [{ identity: user, trait: 'no_such_trait', value: 1 }] } },
      key,
    );
    expect(none.errors).toBeUndefined();
    const [rejected] = await sql<Record<string, unknown>>(
      t,
      'SELECT status, rows_read, rows_rejected FROM run WHERE id = $1',
      [none.data!.writeTraits.runId],
    );
    expect(rejected).toEqual({ status: 'succeeded', rows_read: 1, rows_rejected: 1 });
  });

  it('records a failed writeTraits call as a failed run and writes nothing', async () => {
    const source = `failing-${randomUUID()}`;
    const user = { type: 'user_id', value: randomUUID() };
    const rows = Array.from({ length: MAX_BATCH_ROWS + 1 }, (_, i) => ({
      identity: user,
      trait: level.name,
      value: i,
    }));
    const principal = { keyId: randomUUID(), name: source, scopes: ['traits:write' as const] };
    await expect(t.app.get(ApiTraitWrites).write({ rows }, principal)).rejects.toThrow(/rows/);
    const runs = await sql<Record<string, unknown>>(
      t,
      'SELECT status, error, rows_read FROM run WHERE source = $1',
      [source],
    );
    expect(runs).toEqual([
      { status: 'failed', error: expect.stringMatching(/at most/), rows_read: 0 },
    ]);
    expect(
      await count(t, `SELECT count(*) AS n FROM identity WHERE type = 'user_id' AND value = $1`, [
        user.value,
      ]),
    ).toBe(0);
  });
});
