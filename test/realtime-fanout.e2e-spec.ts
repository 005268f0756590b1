import { randomUUID } from 'node:crypto';
import { ChangeHub } from '../src/realtime/change-hub.service';
import { TraitWriter } from '../src/traits/trait-writer.service';
import { insertTraitDefinitions, traitSpec } from './factories/trait-definition.factory';
import { createKey } from './utils/keys';
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
});
