import { randomUUID } from 'node:crypto';
import { ChangeHub, PUSHES_PER_TURN } from '../src/realtime/change-hub.service';
import { TraitWriter } from '../src/traits/trait-writer.service';
import { insertTraitDefinitions, traitSpec } from './factories/trait-definition.factory';
import { createKey } from './utils/keys';
import { sql } from './utils/sql';
import { subscribe, Subscribed, wsClient } from './utils/subscriptions';
import { startTestApp, TestApp } from './utils/test-app';
import { waitFor } from './utils/wait';

jest.setTimeout(120_000);

const PLAYERS = 1000;
const CONNECTIONS = 50;

describe('profileChanged: 1,000 concurrent subscriptions on one node', () => {
  let t: TestApp;
  const clients: ReturnType<typeof wsClient>[] = [];
  const level = traitSpec({ type: 'number' });
  const api = { sourceKind: 'api', sourceRef: { keyId: 'fanout' }, runId: null };

  beforeAll(async () => {
    t = await startTestApp();
    await insertTraitDefinitions(t.db.url, t.db.schema, [level]);
  });
  afterAll(async () => {
    await Promise.all(
      clients.map(async (c) => {
        await c.dispose();
      }),
    );
    await t.close();
  });

  it('each subscriber receives only its own player’s changes', async () => {
    const key = await createKey(t, 'profile:read');
    const players = Array.from({ length: PLAYERS }, () => ({
      type: 'user_id',
      value: randomUUID(),
    }));
    const writer = t.app.get(TraitWriter);
    // Every player exists, each with value 0 (one bulk write).
    await writer.write({
      rows: players.map((identity) => ({ identity, trait: level.name, value: 0 })),
      provenance: api,
    });
    for (let i = 0; i < CONNECTIONS; i++) clients.push(wsClient(t.url, key));
    const subs: Subscribed[] = players.map((identity, i) =>
      subscribe(clients[i % CONNECTIONS], { identity }),
    );
    await waitFor('1,000 live subscriptions', () => t.app.get(ChangeHub).subscribers >= PLAYERS, {
      everyMs: 50,
    });

    // One bulk write (announced by size, loaded once) and then 100 single writes.
    await writer.write({
      rows: players.map((identity, i) => ({ identity, trait: level.name, value: i + 1 })),
      provenance: api,
    });
    for (let i = 0; i < 100; i++) {
      await writer.write({
        rows: [{ identity: players[i], trait: level.name, value: -(i + 1) }],
        provenance: api,
      });
    }
    const expected = (i: number) => (i < 100 ? 2 : 1);
    await waitFor('every push', () => subs.every((s, i) => s.received.length >= expected(i)), {
      everyMs: 50,
    });
    await new Promise((r) => setTimeout(r, 300));

    let pushes = 0;
    subs.forEach((s, i) => {
      expect(s.errors).toEqual([]);
      const values = s.received.flatMap((r) => r.message.changes.map((c) => c.after));
      expect(values).toEqual(i < 100 ? [i + 1, -(i + 1)] : [i + 1]);
      expect(new Set(s.received.map((r) => r.message.profileId)).size).toBe(1);
      pushes += s.received.length;
    });
    expect(pushes).toBe(PLAYERS + 100);
  });

  it('many subscribers of one profile receive its changes in commit order, pushed over several turns', async () => {
    const key = await createKey(t, 'profile:read');
    const own = Array.from({ length: 10 }, () => wsClient(t.url, key));
    clients.push(...own);
    const identity = { type: 'user_id', value: randomUUID() };
    const writer = t.app.get(TraitWriter);
    const write = (value: number) =>
      writer.write({ rows: [{ identity, trait: level.name, value }], provenance: api });
    await write(0);
    const followers = 2 * PUSHES_PER_TURN + 22;
    const before = t.app.get(ChangeHub).subscribers;
    const subs: Subscribed[] = Array.from({ length: followers }, (_, i) =>
      subscribe(own[i % own.length], { identity }),
    );
    await waitFor(
      'live subscriptions',
      () => t.app.get(ChangeHub).subscribers >= before + followers,
      { everyMs: 50 },
    );
    // Written one after the other without waiting for the pushes: the next change arrives while
    // the previous one is still being pushed.
    for (const v of [1, 2, 3, 4, 5]) await write(v);
    await waitFor('every push', () => subs.every((s) => s.received.length >= 5), { everyMs: 50 });
    await new Promise((r) => setTimeout(r, 300));
    const committed = await sql<{ after: number }>(
      t,
      `SELECT after FROM change_feed WHERE kind = 'trait' AND profile_id =
         (SELECT profile_id FROM identity WHERE type = 'user_id' AND value = $1)
       ORDER BY position`,
      [identity.value],
    );
    expect(committed.map((r) => Number(r.after))).toEqual([0, 1, 2, 3, 4, 5]);
    for (const s of subs) {
      expect(s.errors).toEqual([]);
      const values = s.received.flatMap((r) => r.message.changes.map((c) => c.after));
      expect(values).toEqual([1, 2, 3, 4, 5]);
    }
  });
});
