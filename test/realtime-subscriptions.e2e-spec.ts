import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { IdentityResolver } from '../src/identity/resolve/identity-resolver.service';
import { ChangeHub } from '../src/realtime/change-hub.service';
import { TraitWriter } from '../src/traits/trait-writer.service';
import { insertTraitDefinitions, traitSpec } from './factories/trait-definition.factory';
import { createKey } from './utils/keys';
import { subscribe, Subscribed, wsClient } from './utils/subscriptions';
import { startTestApp, TestApp } from './utils/test-app';
import { waitFor } from './utils/wait';

const api = { sourceKind: 'api', sourceRef: { keyId: 'k1' }, runId: null };
const user = () => ({ type: 'user_id', value: randomUUID() });

// profileChanged over graphql-ws on /graphql, against the real server.
describe('profileChanged subscription', () => {
  let t: TestApp;
  let readKey: string;
  let piiKey: string;
  let hub: ChangeHub;
  const level = traitSpec({ type: 'number' });
  const email = traitSpec({ type: 'string', pii: true, exposure: ['profile:read:pii', 'admin'] });
  const internal = traitSpec({ type: 'string', exposure: ['admin'] });
  const clients: ReturnType<typeof wsClient>[] = [];

  const client = (key: string) => {
    const c = wsClient(t.url, key);
    clients.push(c);
    return c;
  };
  const write = (identity: { type: string; value: string }, values: Record<string, unknown>) =>
    t.app.get(TraitWriter).write({
      rows: Object.entries(values).map(([trait, value]) => ({ identity, trait, value })),
      provenance: api,
    });
  // graphql-ws has no "subscribed" acknowledgement: wait until the server holds the subscriptions.
  const live = async (s: Subscribed[], n: number) => {
    await waitFor(
      'the subscriptions to be live',
      () => hub.subscribers >= n || s.some((x) => x.errors.length > 0),
      {
        everyMs: 20,
      },
    );
    for (const x of s) expect(x.errors).toEqual([]);
  };

  beforeAll(async () => {
    t = await startTestApp();
    await insertTraitDefinitions(t.db.url, t.db.schema, [level, email, internal]);
    readKey = await createKey(t, 'profile:read');
    piiKey = await createKey(t, 'profile:read:pii');
    hub = t.app.get(ChangeHub);
  });
  afterAll(async () => {
    await Promise.all(
      clients.map(async (c) => {
        await c.dispose();
      }),
    );
    await t.close();
  });

  it('refuses a wrong, revoked or missing key at connection_init with close code 4403', async () => {
    const revoked = await createKey(t, 'profile:read');
    await t.app.get(ApiKeysService).revoke(revoked.split('_')[1]);
    for (const key of ['tb_wrong', revoked, '']) {
      const c = client(key);
      let acked = false;
      const closed: { code: number; reason: string }[] = [];
      c.on('connected', () => (acked = true));
      c.on('closed', (e) => closed.push(e as { code: number; reason: string }));
      const s = subscribe(c, { identity: user() });
      await s.done;
      expect(acked).toBe(false);
      expect(s.received).toEqual([]);
      expect(closed.map((e) => [e.code, e.reason])).toEqual([[4403, 'Forbidden']]);
      expect(s.errors).toEqual([expect.objectContaining({ code: 4403, reason: 'Forbidden' })]);
    }
  });

  it('closes a socket of the retired subscriptions-transport-ws protocol, or one never initialised', async () => {
    const closeOf = (protocol: string) =>
      new Promise<[number, string]>((resolve) => {
        const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/graphql`, protocol);
        ws.on('close', (code, reason) => resolve([code, reason.toString()]));
      });
    expect(await closeOf('graphql-ws')).toEqual([4406, 'Subprotocol not acceptable']);
    expect(await closeOf('graphql-transport-ws')).toEqual([
      4408,
      'Connection initialisation timeout',
    ]);
  });

  it('pushes each change with before, after and provenance, masked by scope', async () => {
    const id = user();
    const { profiles } = await write(id, { [level.name]: 1 });
    const profileId = profiles[0].profileId;
    const reader = subscribe(client(readKey), { identity: id });
    const pii = subscribe(client(piiKey), { identity: id });
    await live([reader, pii], 2);

    const mail = `${randomUUID()}@example.org`;
    await write(id, { [level.name]: 2, [email.name]: mail, [internal.name]: 'internal-only' });
    await t.app
      .get(IdentityResolver)
      .observe([id, { type: 'email', value: mail }], { kind: 'api' });
    await waitFor(
      'both subscribers',
      () => reader.received.length >= 2 && pii.received.length >= 2,
      {
        everyMs: 20,
      },
    );

    const [values, identity] = reader.received.map((r) => r.message);
    expect(values).toMatchObject({
      profileId,
      following: profileId,
      revision: profiles[0].revision + 1,
    });
    expect(values.changes).toEqual([
      expect.objectContaining({
        kind: 'trait',
        name: level.name,
        before: 1,
        after: 2,
        provenance: expect.objectContaining({
          sourceKind: 'api',
          sourceRef: { keyId: 'k1' },
          definitionVersion: 1,
        }),
      }),
    ]);
    // The position of the whole transaction, hidden changes included: resuming skips them too.
    expect(values.position).toBeGreaterThanOrEqual(values.changes[0].position);
    // The identity was added, but its value is personal data.
    expect(identity.changes).toEqual([
      expect.objectContaining({ kind: 'identity', name: 'email', after: null }),
    ]);
    const seenByReader = JSON.stringify(reader.received);
    expect(seenByReader).not.toContain(mail);
    expect(seenByReader).not.toContain('internal-only');
    expect(seenByReader).not.toContain(email.name);

    const seenByPii = pii.received.flatMap((r) => r.message.changes);
    expect(seenByPii.map((c) => [c.kind, c.name, c.after])).toEqual([
      ['trait', level.name, 2],
      ['trait', email.name, mail],
      ['identity', 'email', mail],
    ]);
    expect(JSON.stringify(pii.received)).not.toContain('internal-only');
    reader.stop();
    pii.stop();
    await waitFor('the server to drop both subscriptions', () => hub.subscribers === 0, {
      everyMs: 20,
      timeoutMs: 20_000,
    });
  });

  it('subscribers of one change share a push only when their scopes and traits match', async () => {
    const id = user();
    await write(id, { [level.name]: 1 });
    const subs = {
      reader: subscribe(client(readKey), { identity: id }),
      reader2: subscribe(client(readKey), { identity: id }),
      readerLevel: subscribe(client(readKey), { identity: id, traits: [level.name] }),
      pii: subscribe(client(piiKey), { identity: id }),
      piiEmail: subscribe(client(piiKey), { identity: id, traits: [email.name] }),
    };
    await live(Object.values(subs), 5);
    const mail = `${randomUUID()}@example.org`;
    await write(id, { [level.name]: 2, [email.name]: mail });
    await waitFor(
      'every subscriber',
      () => Object.values(subs).every((x) => x.received.length >= 1),
      {
        everyMs: 20,
      },
    );
    const seen = Object.fromEntries(
      Object.entries(subs).map(([k, x]) => [
        k,
        x.received.flatMap((r) => r.message.changes.map((c) => [c.name, c.after])),
      ]),
    );
    expect(seen).toEqual({
      reader: [[level.name, 2]],
      reader2: [[level.name, 2]],
      readerLevel: [[level.name, 2]],
      pii: [
        [level.name, 2],
        [email.name, mail],
      ],
      piiEmail: [[email.name, mail]],
    });
    for (const x of Object.values(subs)) x.stop();
    await waitFor('the server to drop them', () => hub.subscribers === 0, {
      everyMs: 20,
      timeoutMs: 20_000,
    });
  });

  it('answers queries over the same WebSocket, checked by the rules HTTP applies', async () => {
    const c = client(readKey);
    const ask = (query: string) =>
      new Promise<{ data?: unknown; errors?: unknown[] }>((resolve) => {
        let last: { data?: unknown; errors?: unknown[] } = {};
        c.subscribe(
          { query },
          {
            next: (r) => (last = r as typeof last),
            error: (e) => resolve({ errors: Array.isArray(e) ? e : [e] }),
            complete: () => resolve(last),
          },
        );
      });
    // Twice each: a valid operation is parsed and validated once and kept; an invalid one never is.
    for (let i = 0; i < 2; i++)
      expect(await ask('{ viewer { scopes } }')).toEqual({
        data: { viewer: { scopes: ['profile:read'] } },
      });
    const deep = `{ __type(name: "Profile") { fields { type { ${'ofType { '.repeat(7)}name${' }'.repeat(7)} } } } }`;
    for (let i = 0; i < 2; i++)
      expect(await ask(deep)).toEqual({
        errors: [
          {
            message: '`unnamedQuery query depth (11) exceeds the query depth limit of 10`',
            extensions: { code: 'BAD_USER_INPUT' },
          },
        ],
      });
    const unknown = await ask('{ nope }');
    expect(unknown.errors).toEqual([
      expect.objectContaining({
        message: 'Cannot query field "nope" on type "Query".',
        extensions: { code: 'BAD_USER_INPUT' },
      }),
    ]);
  });

  it('sends only the traits asked for, and names an unknown or unreadable one', async () => {
    const id = user();
    await write(id, { [level.name]: 1 });
    const only = subscribe(client(piiKey), { identity: id, traits: [email.name] });
    await live([only], 1);
    await write(id, { [level.name]: 5 });
    await write(id, { [email.name]: 'x@example.org' });
    await waitFor('the email change', () => only.received.length >= 1, { everyMs: 20 });
    await new Promise((r) => setTimeout(r, 100));
    expect(only.received.map((r) => r.message.changes.map((c) => c.name))).toEqual([[email.name]]);
    only.stop();
    await waitFor('the server to drop it', () => hub.subscribers === 0, {
      everyMs: 20,
      timeoutMs: 20_000,
    });

    const unknown = subscribe(client(readKey), { identity: id, traits: ['no_such_trait'] });
    await unknown.done;
    expect(JSON.stringify(unknown.errors)).toContain('traits: unknown trait no_such_trait');
    const forbidden = subscribe(client(readKey), { identity: id, traits: [email.name] });
    await forbidden.done;
    expect(JSON.stringify(forbidden.errors)).toContain(
      `traits: this key may not read trait ${email.name}`,
    );
    const nobody = subscribe(client(readKey), { identity: user() });
    await nobody.done;
    expect(JSON.stringify(nobody.errors)).toContain(
      'identity: no profile has the identity user_id:',
    );
  });

  it('a subscriber resuming with its last position gets what it missed, once', async () => {
    const id = user();
    await write(id, { [level.name]: 1 });
    const first = subscribe(client(readKey), { identity: id });
    await live([first], 1);
    await write(id, { [level.name]: 2 });
    await waitFor('the first push', () => first.received.length === 1, { everyMs: 20 });
    const last = first.received[0].message.position;
    first.stop();
    await waitFor('the subscription to end', () => hub.subscribers === 0, {
      everyMs: 20,
      timeoutMs: 20_000,
    });

    await write(id, { [level.name]: 3 });
    await write(id, { [level.name]: 4 });
    const again = subscribe(client(readKey), { identity: id, after: last });
    await waitFor('the missed changes', () => again.received.length >= 2, { everyMs: 20 });
    await write(id, { [level.name]: 5 });
    await waitFor('the live change', () => again.received.length >= 3, { everyMs: 20 });
    await new Promise((r) => setTimeout(r, 100));
    expect(again.received.map((r) => r.message.changes.map((c) => [c.before, c.after]))).toEqual([
      [[2, 3]],
      [[3, 4]],
      [[4, 5]],
    ]);
    again.stop();
  });

  it('after a merge, tells the subscriber the profile it now follows, and follows it', async () => {
    const device = { type: 'device_id', value: randomUUID() };
    const account = user();
    const { profiles: d } = await write(device, { [level.name]: 1 });
    const { profiles: u } = await write(account, { [level.name]: 10 });
    const s = subscribe(client(readKey), { identity: device });
    await live([s], 1);

    await t.app.get(IdentityResolver).observe([device, account], { kind: 'api', ref: 'login' });
    const moved = await waitFor(
      'the merge',
      () => s.received.find((r) => r.message.following === u[0].profileId),
      {
        everyMs: 20,
      },
    );
    expect(moved.message).toMatchObject({ profileId: d[0].profileId, following: u[0].profileId });
    expect(moved.message.changes).toEqual([
      expect.objectContaining({ kind: 'merge', after: { mergedInto: u[0].profileId } }),
    ]);
    await write(account, { [level.name]: 11 });
    const after = await waitFor('a change of the survivor', () =>
      s.received.find((r) => r.message.changes.some((c) => c.after === 11)),
    );
    expect(after.message).toMatchObject({ profileId: u[0].profileId, following: u[0].profileId });
    s.stop();
  });
});
