import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { FeedChange } from '../src/feed/feed-change';
import { FeedConsumers } from '../src/feed/feed-consumers.service';
import { FeedListener } from '../src/feed/feed-listener.service';
import { FeedReader } from '../src/feed/feed-reader.service';
import { FeedRetention } from '../src/feed/feed-retention.service';
import type { LiveBatch } from '../src/feed/live-batch';
import { IdentityResolver } from '../src/identity/resolve/identity-resolver.service';
import { TraitWriter } from '../src/traits/trait-writer.service';
import { insertTraitDefinitions, traitSpec } from './factories/trait-definition.factory';
import { TEST_REDIS_URL } from './utils/env';
import { count, sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';
import { schemaClient } from './utils/test-schema';
import { waitFor } from './utils/wait';
import { WRITE_PATHS } from './utils/write-paths';

const api = { sourceKind: 'api', sourceRef: { keyId: 'k1' }, runId: null };
const user = () => ({ type: 'user_id', value: randomUUID() });

describe.each(WRITE_PATHS)('change feed ($path)', ({ config }) => {
  let t: TestApp;
  let writer: TraitWriter;
  const level = traitSpec({ type: 'number' });
  const nick = traitSpec({ type: 'string' });
  const live: LiveBatch[] = [];
  let stopListening: () => void;

  beforeAll(async () => {
    t = await startTestApp(config);
    await insertTraitDefinitions(t.db.url, t.db.schema, [level, nick]);
    writer = t.app.get(TraitWriter);
    stopListening = t.app.get(FeedListener).listen({ batch: (b) => live.push(b) });
  });
  afterAll(async () => {
    stopListening();
    await t.close();
  });

  // One new profile with one trait value; its id.
  const write = async () =>
    (
      await writer.write({
        rows: [{ identity: user(), trait: level.name, value: 1 }],
        provenance: api,
      })
    ).profiles[0].profileId;

  const changesOf = (profileId: string) =>
    live.flatMap((b) => b.changes ?? []).filter((c) => c.profileId === profileId);

  it('records every revision in its transaction and hands it to listeners before the write returns', async () => {
    const id = user();
    const first = await writer.write({
      rows: [
        { identity: id, trait: level.name, value: 1, observedAt: '2026-01-01T00:00:00Z' },
        { identity: id, trait: level.name, value: 2, observedAt: '2026-01-02T00:00:00Z' },
      ],
      provenance: api,
    });
    const profileId = first.profiles[0].profileId;
    // Synchronously delivered: no wait.
    const changes = changesOf(profileId);
    expect(changes).toHaveLength(2);
    expect(changes[0]).toMatchObject({
      kind: 'trait',
      name: level.name,
      before: null,
      after: 1,
      revision: first.profiles[0].revision,
      provenance: {
        sourceKind: 'api',
        sourceRef: { keyId: 'k1' },
        runId: null,
        definitionVersion: 1,
      },
    });
    expect(changes[1]).toMatchObject({ before: 1, after: 2 });
    expect(changes[1].position).toBeGreaterThan(changes[0].position);
    expect(new Date(changes[1].provenance!.observedAt!).toISOString()).toBe(
      '2026-01-02T00:00:00.000Z',
    );

    // The same batch again changes nothing and records nothing.
    const before = await count(t, 'SELECT count(*) AS n FROM change_feed');
    await writer.write({
      rows: [{ identity: id, trait: level.name, value: 2, observedAt: '2026-01-02T00:00:00Z' }],
      provenance: api,
    });
    expect(await count(t, 'SELECT count(*) AS n FROM change_feed')).toBe(before);
  });

  it('records late observations as corrections with the value they displace', async () => {
    const id = user();
    const { profiles } = await writer.write({
      rows: [{ identity: id, trait: nick.name, value: 'b', observedAt: '2026-02-02T00:00:00Z' }],
      provenance: api,
    });
    await writer.write({
      rows: [{ identity: id, trait: nick.name, value: 'a', observedAt: '2026-02-01T00:00:00Z' }],
      provenance: api,
    });
    const rows = await sql<{ kind: string; before: unknown; after: unknown }>(
      t,
      'SELECT kind, before, after FROM change_feed WHERE profile_id = $1 ORDER BY position',
      [profiles[0].profileId],
    );
    expect(rows).toEqual([
      { kind: 'trait', before: null, after: 'b' },
      { kind: 'correction', before: null, after: 'a' },
    ]);
  });

  it('records identities added, and both sides of a merge', async () => {
    const resolver = t.app.get(IdentityResolver);
    const device = { type: 'device_id', value: randomUUID() };
    const account = user();
    const a = (await resolver.observe([device], { kind: 'api' })).profileId;
    const b = (await resolver.observe([account], { kind: 'api' })).profileId;
    await resolver.observe([device, account], { kind: 'api', ref: 'msg-1' });
    const rows = await t.app.get(FeedReader).since([a!, b!], 0);
    expect(rows.map((r) => [r.profileId, r.kind, r.name, r.after])).toEqual([
      [a, 'identity', 'device_id', device.value],
      [b, 'identity', 'user_id', account.value],
      expect.arrayContaining([a, 'merge']),
      expect.arrayContaining([b, 'merge']),
    ]);
    const merges = rows.filter((r) => r.kind === 'merge');
    const into = merges.find((m) => m.profileId === a)!;
    const survivor = merges.find((m) => m.profileId === b)!;
    expect([into.after, survivor.after]).toEqual([{ mergedInto: b }, { mergedFrom: [a] }]);
    expect(survivor.provenance).toEqual({
      sourceKind: 'api',
      sourceRef: { ref: 'msg-1', rule: 'observed-together' },
    });
  });

  it('announces large transactions by size; listeners load them once', async () => {
    const rows = Array.from({ length: 600 }, (_, i) => ({
      identity: user(),
      trait: level.name,
      value: i,
    }));
    const n = live.length;
    await writer.write({ rows, provenance: api });
    const batch = live.slice(n).find((b) => b.count === 600)!;
    expect(batch.changes).toBeNull();
    const loaded = await batch.load();
    expect(loaded).toHaveLength(600);
    expect(await batch.load()).toBe(loaded);
  });

  it('announces through Redis to other processes, with the changes of small transactions', async () => {
    const sub = new Redis(TEST_REDIS_URL);
    const messages: { x: string; n: number; c?: FeedChange[] }[] = [];
    sub.on('message', (_c, raw: string) => messages.push(JSON.parse(raw)));
    await sub.subscribe(`traitbase:${t.db.schema}:feed`);
    try {
      const { profiles } = await writer.write({
        rows: [{ identity: user(), trait: level.name, value: 7 }],
        provenance: api,
      });
      const m = await waitFor('the announcement', () =>
        messages.find((x) => x.c?.some((c) => c.profileId === profiles[0].profileId)),
      );
      expect(m.n).toBe(1);
      expect(m.c![0]).toMatchObject({ kind: 'trait', after: 7 });
    } finally {
      sub.disconnect();
    }
  });

  it('delivers a committed batch nobody announced, from the tail', async () => {
    const profileId = randomUUID();
    const client = await schemaClient(t.db);
    try {
      // A writer that committed and died before announcing.
      await client.query(
        `INSERT INTO change_feed (profile_id, revision, kind, name, before, after, provenance, position, xid, at)
         VALUES ($1, 1, 'trait', $2, null, '3', null, nextval('change_feed_position_seq'),
                 pg_current_xact_id()::text::bigint, now())`,
        [profileId, level.name],
      );
    } finally {
      await client.end();
    }
    const batch = await waitFor(
      'the tail to deliver the unannounced batch',
      async () => {
        for (const b of live) if ((await b.load()).some((c) => c.profileId === profileId)) return b;
        return undefined;
      },
      { timeoutMs: 10_000, everyMs: 100 },
    );
    expect(batch.count).toBe(1);
  });

  it('gives a durable consumer every change once, in order per profile, across concurrent writers', async () => {
    const seen: FeedChange[] = [];
    const name = `test-${randomUUID()}`;
    await t.app.get(FeedConsumers).register({
      name,
      kinds: ['trait'],
      batchSize: 37,
      handle: async (changes, tx) => {
        seen.push(...changes);
        await tx.query('SELECT 1');
      },
    });
    const users = Array.from({ length: 20 }, user);
    const rounds = 15;
    await Promise.all(
      users.map(async (u) => {
        for (let i = 1; i <= rounds; i++) {
          await writer.write({
            rows: [{ identity: u, trait: level.name, value: i }],
            provenance: api,
          });
        }
      }),
    );
    const expected = users.length * rounds;
    await waitFor('the consumer to catch up', () => seen.length >= expected, { timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 300));
    const mine = seen.filter((c) => c.name === level.name && c.after !== null);
    const byProfile = new Map<string, number[]>();
    for (const c of mine)
      byProfile.set(c.profileId, [...(byProfile.get(c.profileId) ?? []), c.after as number]);
    const ours = [...byProfile.values()].filter((v) => v.length === rounds);
    expect(ours).toHaveLength(users.length);
    for (const values of ours)
      expect(values).toEqual(Array.from({ length: rounds }, (_, i) => i + 1));
    expect(new Set(seen.map((c) => c.position)).size).toBe(seen.length);
    const [cursor] = await sql<{ n: string }>(
      t,
      'SELECT count(*) AS n FROM feed_consumer WHERE name = $1',
      [name],
    );
    expect(Number(cursor.n)).toBe(1);
  });

  it('a transaction left open elsewhere does not hold a durable consumer back; one in this schema does', async () => {
    const handled = new Set<string>();
    const name = `horizon-${randomUUID()}`;
    await t.app.get(FeedConsumers).register({
      name,
      kinds: ['trait'],
      handle: (changes) => {
        for (const c of changes) handled.add(c.profileId);
        return Promise.resolve();
      },
    });
    const open = async (statements: string[]) => {
      const c = new Client({ connectionString: t.db.url });
      await c.connect();
      await c.query('BEGIN');
      for (const q of statements) await c.query(q);
      return c;
    };
    // Another schema's (or another application's) writing transaction, still running.
    const other = `other_${randomUUID().slice(0, 8)}`;
    await sql(t, `CREATE SCHEMA ${other}`);
    await sql(t, `CREATE TABLE ${other}.hold (n int)`);
    const elsewhere = await open([`INSERT INTO ${other}.hold VALUES (1)`]);
    try {
      const p1 = await write();
      await waitFor('the change past a transaction open elsewhere', () => handled.has(p1), {
        timeoutMs: 10_000,
      });
    } finally {
      await elsewhere.query('ROLLBACK');
      await elsewhere.end();
      await sql(t, `DROP SCHEMA ${other} CASCADE`);
    }
    // A transaction of this schema could still record an older change: the consumer waits for it.
    const here = await open([
      `SET search_path = "${t.db.schema}"`,
      'SELECT 1 FROM feed_consumer LIMIT 1 FOR UPDATE',
      'SELECT pg_current_xact_id()',
    ]);
    let p2 = '';
    try {
      p2 = await write();
      await new Promise((r) => setTimeout(r, 1500));
      expect(handled.has(p2)).toBe(false);
    } finally {
      await here.query('ROLLBACK');
      await here.end();
    }
    await waitFor('the change once the transaction ended', () => handled.has(p2), {
      timeoutMs: 10_000,
    });
  });

  it('an idle durable consumer moves past changes without reading them, and reads what commits once busy', async () => {
    let idle = true;
    const handled: string[] = [];
    const name = `idle-${randomUUID()}`;
    await t.app.get(FeedConsumers).register({
      name,
      kinds: ['trait'],
      idle: () => Promise.resolve(idle),
      handle: (changes) => {
        handled.push(...changes.map((c) => c.profileId));
        return Promise.resolve();
      },
    });
    const skipped = await write();
    const [row] = await sql<{ xid: string }>(
      t,
      'SELECT xid::text FROM change_feed WHERE profile_id = $1',
      [skipped],
    );
    await waitFor(
      'the idle cursor to pass the change',
      async () =>
        (
          await sql<{ past: boolean }>(
            t,
            'SELECT xid > $2::bigint AS past FROM feed_consumer WHERE name = $1',
            [name, row.xid],
          )
        )[0]?.past === true,
      { timeoutMs: 10_000 },
    );
    idle = false;
    const read = await write();
    await waitFor('the busy consumer to read the next change', () => handled.includes(read), {
      timeoutMs: 10_000,
    });
    expect(handled).not.toContain(skipped);
  });

  it('a failing handler changes nothing and is retried', async () => {
    let calls = 0;
    const handled: number[] = [];
    const name = `flaky-${randomUUID()}`;
    await t.app.get(FeedConsumers).register({
      name,
      handle: async (changes, tx) => {
        calls += 1;
        await tx.query('CREATE TEMP TABLE IF NOT EXISTS flaky_probe (n int) ON COMMIT DROP');
        if (calls === 1) throw new Error('first attempt fails');
        handled.push(...changes.map((c) => c.position));
      },
    });
    const { profiles } = await writer.write({
      rows: [{ identity: user(), trait: level.name, value: 1 }],
      provenance: api,
    });
    const [pos] = await sql<{ position: string }>(
      t,
      'SELECT position::text FROM change_feed WHERE profile_id = $1',
      [profiles[0].profileId],
    );
    await waitFor('the retry', () => handled.includes(Number(pos.position)), { timeoutMs: 10_000 });
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(handled.filter((p) => p === Number(pos.position))).toHaveLength(1);
  });

  it('deletes rows past retention', async () => {
    const profileId = randomUUID();
    await sql(
      t,
      `INSERT INTO change_feed (profile_id, revision, kind, name, before, after, provenance, position, xid, at)
       SELECT $1, 1, 'trait', 'x', null, null, null, nextval('change_feed_position_seq'), 1, now() - interval '30 days'`,
      [profileId],
    );
    const deleted = await t.app.get(FeedRetention).expire();
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(
      await count(t, 'SELECT count(*) AS n FROM change_feed WHERE profile_id = $1', [profileId]),
    ).toBe(0);
    expect(await count(t, 'SELECT count(*) AS n FROM change_feed')).toBeGreaterThan(0);
  });
});
