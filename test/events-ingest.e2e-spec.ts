import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { shardOf } from '../src/events/ingest/shard';
import {
  definitionsDir,
  enqueueTrack,
  identifyMessage,
  post,
  trackMessage,
  waitForInboxDrained,
} from './factories/event.factory';
import { gql } from './utils/graphql-request';
import { createKey } from './utils/keys';
import { count, sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';
import { schemaClient } from './utils/test-schema';
import { waitFor } from './utils/wait';

const ORDER_PLAN = {
  event: 'Order Completed',
  versions: {
    '1-0-0': {
      type: 'object',
      required: ['order_id', 'total'],
      properties: { order_id: { type: 'string' }, total: { type: 'number', minimum: 0 } },
    },
    '2-0-0': {
      type: 'object',
      required: ['order_id', 'total', 'currency'],
      properties: {
        order_id: { type: 'string' },
        total: { type: 'number', minimum: 0 },
        currency: { type: 'string', pattern: '^[A-Z]{3}$' },
      },
    },
  },
};

describe('event ingestion (Segment HTTP API)', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    const dir = await definitionsDir({
      events: { 'order_completed.yaml': ORDER_PLAN },
      traits: {
        'player.yaml': {
          source: { kind: 'event' },
          traits: [
            { name: 'level', type: 'number' },
            { name: 'nickname', type: 'string' },
          ],
        },
      },
    });
    t = await startTestApp({ traitDefinitionsDir: dir });
    key = await createKey(t, 'ingest');
  });
  afterAll(() => t.close());

  it('accepts a track call, stores it once in the inbox and applies it to events', async () => {
    const msg = trackMessage({
      event: 'Order Completed',
      properties: { order_id: 'o1', total: 10, currency: 'EUR' },
    });
    const res = await post(t, '/v1/track', msg, key);
    expect(res).toMatchObject({ status: 200, body: { success: true, accepted: 1, rejected: [] } });
    const again = await post(t, '/v1/track', msg, key);
    expect(again.status).toBe(200);
    expect(
      await count(t, 'SELECT count(*) AS n FROM event_inbox WHERE message_id = $1', [
        msg.messageId,
      ]),
    ).toBe(1);
    await waitForInboxDrained(t);
    const [row] = await sql<any>(
      t,
      'SELECT type, event, identity_type, identity_value, schema_version, properties FROM events WHERE message_id = $1',
      [msg.messageId],
    );
    expect(row).toMatchObject({
      type: 'track',
      event: 'Order Completed',
      identity_type: 'user_id',
      identity_value: msg.userId,
      schema_version: '2-0-0',
    });
    expect(row.properties).toEqual({ order_id: 'o1', total: 10, currency: 'EUR' });
  });

  it('reports invalid messages of a batch by index with pointer and rule, keeps the valid ones', async () => {
    const good = trackMessage({
      event: 'Order Completed',
      properties: { order_id: 'o2', total: 5, currency: 'USD' },
    });
    const badSchema = trackMessage({
      event: 'Order Completed',
      properties: { order_id: 'o3', total: -1 },
    });
    const noUser = trackMessage({ userId: undefined });
    const noEvent = trackMessage({ event: undefined });
    const res = await post(t, '/v1/batch', { batch: [good, badSchema, noUser, noEvent] }, key);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    const byIndex = Object.fromEntries(res.body.rejected.map((r: any) => [r.index, r]));
    expect(Object.keys(byIndex).sort()).toEqual(['1', '2', '3']);
    expect(byIndex[1].reasons).toEqual(
      expect.arrayContaining([
        { pointer: '/properties/currency', rule: "must have required property 'currency'" },
      ]),
    );
    expect(byIndex[1].reasons).toEqual(
      expect.arrayContaining([{ pointer: '/properties/total', rule: 'must be >= 0' }]),
    );
    expect(byIndex[2].reasons[0]).toMatchObject({
      rule: expect.stringContaining('userId or anonymousId'),
    });
    expect(byIndex[3].reasons[0]).toMatchObject({ pointer: '/event' });
    await waitForInboxDrained(t);
    const stored = await sql<any>(t, 'SELECT message_id FROM events WHERE message_id = ANY($1)', [
      [good, badSchema, noUser, noEvent].map((m) => m.messageId),
    ]);
    expect(stored.map((r) => r.message_id)).toEqual([good.messageId]);
    const logged = await sql<any>(
      t,
      'SELECT message_id, reasons FROM invalid_event WHERE message_id = ANY($1) ORDER BY id',
      [[badSchema.messageId, noUser.messageId, noEvent.messageId]],
    );
    expect(logged).toHaveLength(3);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(
      /traitbase_events_invalid_total\{event="track:Order Completed",reason="required"\} [1-9]/,
    );
  });

  it('validates against the schema version a message names', async () => {
    const v1 = trackMessage({
      event: 'Order Completed',
      properties: { order_id: 'o4', total: 1 },
      context: { schemaVersion: '1-0-0' },
    });
    const unknown = trackMessage({
      event: 'Order Completed',
      properties: { order_id: 'o5', total: 1 },
      context: { schemaVersion: '9-9-9' },
    });
    const res = await post(t, '/v1/batch', { batch: [v1, unknown] }, key);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected).toEqual([
      {
        index: 1,
        messageId: unknown.messageId,
        reasons: [
          {
            pointer: '/context/schemaVersion',
            rule: expect.stringContaining('known: 1-0-0, 2-0-0'),
          },
        ],
      },
    ]);
  });

  it('turns identify traits with event-source definitions into trait values, others stay on the event', async () => {
    const user = `u-${randomUUID()}`;
    const res = await post(
      t,
      '/v1/identify',
      identifyMessage({ userId: user, traits: { level: 7, favourite: 'blue' } }),
      key,
    );
    expect(res.status).toBe(200);
    await waitForInboxDrained(t);
    const q = `query P($id: IdentityInput!) { profile(identity: $id) { trait(name: "level") { value provenance { sourceKind sourceRef } } } }`;
    const profile = await gql<any>(t.url, q, { id: { type: 'user_id', value: user } }, t.adminKey);
    expect(profile.data.profile.trait).toMatchObject({
      value: 7,
      provenance: { sourceKind: 'event' },
    });
    const [event] = await sql<any>(t, `SELECT properties FROM events WHERE user_id = $1`, [user]);
    expect(event.properties).toEqual({ level: 7, favourite: 'blue' });
  });

  it('links userId and anonymousId seen together, and records the identity each event arrived through', async () => {
    const anonymousId = `anon-${randomUUID()}`;
    const userId = `u-${randomUUID()}`;
    const before = trackMessage({ userId: undefined, anonymousId, event: 'Browsed' });
    expect((await post(t, '/v1/track', before, key)).status).toBe(200);
    await waitForInboxDrained(t);
    const login = identifyMessage({ userId, anonymousId, traits: { level: 1 } });
    const after = trackMessage({ userId, event: 'Played' });
    expect((await post(t, '/v1/batch', { batch: [login, after] }, key)).status).toBe(200);
    await waitForInboxDrained(t);
    const rows = await sql<any>(
      t,
      'SELECT e.message_id, e.identity_type, e.identity_value, i.profile_id = e.profile_id AS current FROM events e ' +
        "JOIN identity i ON i.type = 'user_id' AND i.value = $1 WHERE e.message_id = ANY($2) ORDER BY e.inbox_id",
      [userId, [before.messageId, login.messageId, after.messageId]],
    );
    expect(rows.map((r) => [r.identity_type, r.identity_value])).toEqual([
      ['anonymous_id', anonymousId],
      ['user_id', userId],
      ['user_id', userId],
    ]);
    // Identify linked the anonymous profile to the user: later events land on the same profile.
    const profiles = await sql<any>(
      t,
      `SELECT DISTINCT profile_id FROM identity WHERE (type, value) IN (('user_id', $1), ('anonymous_id', $2))`,
      [userId, anonymousId],
    );
    expect(profiles).toHaveLength(1);
    expect(rows[1].current && rows[2].current).toBe(true);
  });

  it('stores page, screen and group calls, each event in the partition of its month', async () => {
    const userId = `u-${randomUUID()}`;
    const page = {
      type: 'page',
      messageId: randomUUID(),
      userId,
      name: 'Home',
      properties: { path: '/' },
    };
    const screen = {
      type: 'screen',
      messageId: randomUUID(),
      userId,
      name: 'Lobby',
      timestamp: '2020-02-02T00:00:00Z',
    };
    const group = {
      type: 'group',
      messageId: randomUUID(),
      userId,
      groupId: 'clan-7',
      traits: { size: 4 },
    };
    expect((await post(t, '/v1/batch', { batch: [page, screen, group] }, key)).body).toMatchObject({
      accepted: 3,
    });
    await waitForInboxDrained(t);
    const rows = await sql<any>(
      t,
      `SELECT tableoid::regclass::text AS part, type, event, group_id, properties FROM events WHERE user_id = $1 ORDER BY inbox_id`,
      [userId],
    );
    const month = new Date().toISOString().slice(0, 7).replace('-', 'm');
    expect(rows).toEqual([
      {
        part: `events_y${month}`,
        type: 'page',
        event: 'Home',
        group_id: null,
        properties: { path: '/' },
      },
      { part: 'events_default', type: 'screen', event: 'Lobby', group_id: null, properties: {} },
      {
        part: `events_y${month}`,
        type: 'group',
        event: null,
        group_id: 'clan-7',
        properties: { size: 4 },
      },
    ]);
  });

  it('applies inbox rows whose signal was lost (the sweeper re-signals their shard)', async () => {
    const messageId = randomUUID();
    const userId = `u-${randomUUID()}`;
    // As a crash between commit and enqueue leaves it: committed, never signalled.
    await enqueueTrack(t, 'lost', { messageId, userId, event: 'Lost' }, 10);
    await waitForInboxDrained(t, 20_000);
    expect(
      await count(t, 'SELECT count(*) AS n FROM events WHERE message_id = $1', [messageId]),
    ).toBe(1);
  });

  it('applies a message whose ingestion committed after later messages of its shard were applied', async () => {
    const userId = `late-${randomUUID()}`;
    const lateId = randomUUID();
    // An ingestion transaction that took its inbox id first and commits last.
    const late = await schemaClient(t.db);
    try {
      await late.query('BEGIN');
      await late.query(
        `WITH m AS (
           INSERT INTO event_inbox (source_id, message_id, shard, type, event, payload, received_at)
           VALUES ('late', $1, $2, 'track', 'Late', $3, now()) RETURNING shard, id)
         INSERT INTO event_inbox_pending (shard, id) SELECT shard, id FROM m`,
        [lateId, shardOf(userId, null), JSON.stringify({ type: 'track', userId, event: 'Late' })],
      );
      // More than one batch of the same shard, applied while the late message is invisible.
      const later = Array.from({ length: 1500 }, () => trackMessage({ userId }));
      for (let i = 0; i < later.length; i += 500) {
        const res = await post(t, '/v1/batch', { batch: later.slice(i, i + 500) }, key);
        expect(res.status).toBe(200);
      }
      await waitFor(
        'the later messages applied',
        async () =>
          (await count(t, 'SELECT count(*) AS n FROM events WHERE user_id = $1', [userId])) ===
          later.length,
      );
      await late.query('COMMIT');
    } finally {
      await late.end();
    }
    await waitForInboxDrained(t, 20_000);
    expect(await count(t, 'SELECT count(*) AS n FROM events WHERE message_id = $1', [lateId])).toBe(
      1,
    );
  });

  it('rejects identify traits whose value does not fit the trait definition', async () => {
    const res = await post(t, '/v1/identify', identifyMessage({ traits: { level: 'high' } }), key);
    expect(res.status).toBe(400);
    expect(res.body.rejected[0].reasons).toEqual([
      { pointer: '/traits/level', rule: expect.stringContaining('number') },
    ]);
  });

  it('accepts gzip bodies and the write key in the body', async () => {
    const msg = trackMessage();
    const body = gzipSync(Buffer.from(JSON.stringify({ ...msg, writeKey: key })));
    const res = await post(t, '/v1/track', body, undefined, { 'content-encoding': 'gzip' });
    expect(res).toMatchObject({ status: 200, body: { accepted: 1 } });
    const [row] = await sql<any>(t, 'SELECT payload FROM event_inbox WHERE message_id = $1', [
      msg.messageId,
    ]);
    expect(row.payload.writeKey).toBeUndefined();
  });

  it('enforces the size limits with 413 and a clear message', async () => {
    const many = { batch: Array.from({ length: 2501 }, () => trackMessage()) };
    const tooMany = await post(t, '/v1/batch', many, key);
    expect(tooMany.status).toBe(413);
    expect(JSON.stringify(tooMany.body)).toContain('2500');
    const huge = { batch: [trackMessage({ properties: { blob: 'x'.repeat(600 * 1024) } })] };
    const tooBig = await post(t, '/v1/batch', huge, key);
    expect(tooBig.status).toBe(413);
    const bomb = gzipSync(
      Buffer.from(
        JSON.stringify({ batch: [trackMessage({ properties: { blob: 'y'.repeat(700 * 1024) } })] }),
      ),
    );
    const zipped = await post(t, '/v1/batch', bomb, key, { 'content-encoding': 'gzip' });
    expect(zipped.status).toBe(413);
    const big = trackMessage({ properties: { blob: 'z'.repeat(40 * 1024) } });
    const small = trackMessage();
    const mixed = await post(t, '/v1/batch', { batch: [big, small] }, key);
    expect(mixed.status).toBe(200);
    expect(mixed.body.rejected).toEqual([
      {
        index: 0,
        messageId: big.messageId,
        reasons: [{ pointer: '', rule: 'message: larger than 32 KB' }],
      },
    ]);
  });

  it('rejects requests without a valid ingest key', async () => {
    expect((await post(t, '/v1/track', trackMessage())).status).toBe(401);
    expect(
      (
        await post(
          t,
          '/v1/track',
          trackMessage(),
          'tb_nothere00_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        )
      ).status,
    ).toBe(401);
    const readOnly = await createKey(t, 'profile:read');
    expect((await post(t, '/v1/track', trackMessage(), readOnly)).status).toBe(403);
  });

  it('validates without storing anything on /v1/validate', async () => {
    const bad = trackMessage({ event: 'Order Completed', properties: {} });
    const res = await post(t, '/v1/validate', { batch: [bad, trackMessage()] }, key);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected[0].index).toBe(0);
    expect(
      await count(t, 'SELECT count(*) AS n FROM invalid_event WHERE message_id = $1', [
        bad.messageId,
      ]),
    ).toBe(0);
    expect(
      await count(t, 'SELECT count(*) AS n FROM event_inbox WHERE message_id = $1', [
        bad.messageId,
      ]),
    ).toBe(0);
  });

  it('lists invalid events over GraphQL for admins', async () => {
    const res = await gql<any>(
      t.url,
      `{ invalidEvents(limit: 5) { id type event messageId reasons { pointer rule keyword } payload } }`,
      {},
      t.adminKey,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.invalidEvents.length).toBeGreaterThan(0);
    expect(res.data.invalidEvents[0].reasons[0]).toHaveProperty('keyword');
    const ingestOnly = await gql<any>(t.url, `{ invalidEvents { id } }`, {}, key);
    expect(ingestOnly.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
