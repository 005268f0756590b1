import { randomUUID } from 'node:crypto';
import {
  definitionsDir,
  identifyMessage,
  post,
  trackMessage,
  waitForInboxDrained,
} from './factories/event.factory';
import { createKey } from './utils/keys';
import { sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';

const RUNS = 50;
const OTHER_USERS = 100;
const CONCURRENT_REQUESTS = 10;

describe('per-user order', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    const dir = await definitionsDir({
      traits: { 'x.yaml': { source: { kind: 'event' }, traits: [{ name: 'x', type: 'number' }] } },
    });
    t = await startTestApp({ traitDefinitionsDir: dir });
    key = await createKey(t, 'ingest');
  });
  afterAll(() => t.close());

  // identify(x=1) then identify(x=2) for one user in one batch, with the same timestamp (so only
  // the order decides), among other users' identifies and tracks that the shards apply in parallel.
  function batchFor(user: string): Record<string, unknown>[] {
    const at = new Date().toISOString();
    const others = Array.from({ length: OTHER_USERS }, (_, i) =>
      i % 20 === 0
        ? identifyMessage({ userId: `other-${randomUUID()}`, traits: { x: i }, timestamp: at })
        : trackMessage({ userId: `other-${randomUUID()}`, timestamp: at }),
    );
    const half = OTHER_USERS / 2;
    return [
      ...others.slice(0, half),
      identifyMessage({ userId: user, traits: { x: 1 }, timestamp: at }),
      ...others.slice(half),
      identifyMessage({ userId: user, traits: { x: 2 }, timestamp: at }),
    ];
  }

  it(`ends with x=2 for the user in ${RUNS} of ${RUNS} runs`, async () => {
    const users = Array.from({ length: RUNS }, () => `ordered-${randomUUID()}`);
    for (let i = 0; i < users.length; i += CONCURRENT_REQUESTS) {
      const responses = await Promise.all(
        users
          .slice(i, i + CONCURRENT_REQUESTS)
          .map((u) => post(t, '/v1/batch', { batch: batchFor(u) }, key)),
      );
      for (const res of responses)
        expect(res).toMatchObject({
          status: 200,
          body: { accepted: OTHER_USERS + 2, rejected: [] },
        });
    }
    await waitForInboxDrained(t, 60_000);
    const rows = await sql<{ value: number; n: string }>(
      t,
      `SELECT tv.value, count(*) AS n FROM trait_value tv
       JOIN trait_definition d ON d.id = tv.trait_id AND d.name = 'x'
       JOIN identity i ON i.profile_id = tv.profile_id AND i.type = 'user_id'
       WHERE i.value = ANY($1) GROUP BY tv.value`,
      [users],
    );
    expect(rows).toEqual([{ value: 2, n: String(RUNS) }]);
    // Both identifies are kept as events, in the order they were sent.
    const [user] = users;
    const events = await sql<{ x: number }>(
      t,
      `SELECT (properties->>'x')::int AS x FROM events WHERE user_id = $1 ORDER BY inbox_id`,
      [user],
    );
    expect(events).toEqual([{ x: 1 }, { x: 2 }]);
    const shards = await sql<{ n: string }>(
      t,
      `SELECT count(DISTINCT shard) AS n FROM event_inbox`,
    );
    expect(Number(shards[0].n)).toBeGreaterThan(1);
  }, 90_000);

  // anonymous → identify → track of one device, same instant, among other devices: one shard, in order,
  // so the identify's value wins the instant after the anonymous one and everything lands on one profile.
  it("keeps a person's anonymous and identified messages in order (one shard per anonymousId)", async () => {
    const at = new Date().toISOString();
    const people = Array.from({ length: 20 }, () => ({
      anon: `anon-${randomUUID()}`,
      user: `named-${randomUUID()}`,
    }));
    const batch = people.flatMap((p, i) => [
      identifyMessage({ userId: undefined, anonymousId: p.anon, traits: { x: 1 }, timestamp: at }),
      trackMessage({ userId: `other-${i}-${randomUUID()}`, timestamp: at }),
      identifyMessage({ userId: p.user, anonymousId: p.anon, traits: { x: 2 }, timestamp: at }),
      trackMessage({
        userId: p.user,
        anonymousId: p.anon,
        event: 'Level Completed',
        timestamp: at,
      }),
    ]);
    expect(await post(t, '/v1/batch', { batch }, key)).toMatchObject({ status: 200 });
    await waitForInboxDrained(t, 60_000);
    const shards = await sql<{ n: string }>(
      t,
      `SELECT max(n) AS n FROM (SELECT count(DISTINCT shard) AS n FROM event_inbox
       WHERE payload->>'anonymousId' = ANY($1) GROUP BY payload->>'anonymousId') x`,
      [people.map((p) => p.anon)],
    );
    expect(shards).toEqual([{ n: '1' }]);
    const rows = await sql<{ value: number; n: string }>(
      t,
      `SELECT tv.value, count(*) AS n FROM trait_value tv
       JOIN trait_definition d ON d.id = tv.trait_id AND d.name = 'x'
       JOIN identity i ON i.profile_id = tv.profile_id AND i.type = 'user_id'
       WHERE i.value = ANY($1) GROUP BY tv.value`,
      [people.map((p) => p.user)],
    );
    expect(rows).toEqual([{ value: 2, n: String(people.length) }]);
    const profiles = await sql<{ n: string }>(
      t,
      `SELECT count(DISTINCT e.profile_id) AS n FROM events e WHERE e.anonymous_id = ANY($1)`,
      [people.map((p) => p.anon)],
    );
    expect(profiles).toEqual([{ n: String(people.length) }]);
  }, 90_000);

  // The same instant across two batches: the value recorded first wins the instant, so the later
  // message is recorded 1 ms later and becomes current, each revision naming its own message.
  it('a later batch at the same instant wins, each revision naming its message', async () => {
    const user = `tie-${randomUUID()}`;
    const at = '2026-05-01T12:00:00.000Z';
    const first = identifyMessage({ userId: user, traits: { x: 10 }, timestamp: at });
    const second = identifyMessage({ userId: user, traits: { x: 11 }, timestamp: at });
    for (const message of [first, second]) {
      expect(await post(t, '/v1/batch', { batch: [message] }, key)).toMatchObject({ status: 200 });
      await waitForInboxDrained(t, 30_000);
    }
    const revisions = await sql<{ value: number; valid_from: Date; source_ref: unknown }>(
      t,
      `SELECT r.value, r.valid_from, r.source_ref FROM trait_revision r
       JOIN trait_definition d ON d.id = r.trait_id AND d.name = 'x'
       JOIN identity i ON i.profile_id = r.profile_id AND i.type = 'user_id'
       WHERE i.value = $1 ORDER BY r.valid_from`,
      [user],
    );
    expect(revisions).toEqual([
      { value: 10, valid_from: new Date(at), source_ref: { messageId: first.messageId } },
      {
        value: 11,
        valid_from: new Date(Date.parse(at) + 1),
        source_ref: { messageId: second.messageId },
      },
    ]);
  });
});
