import { randomUUID } from 'node:crypto';
import { ChangeHub } from '../../src/realtime/change-hub.service';
import { post, trackMessage, waitForInboxDrained } from '../factories/event.factory';
import { insertTraitDefinitions, traitSpec } from '../factories/trait-definition.factory';
import { gql } from '../utils/graphql-request';
import { createKey } from '../utils/keys';
import { columnsHolding, columnsHoldingId } from '../utils/person-search';
import { redisKeysHolding } from '../utils/redis-search';
import { sql } from '../utils/sql';
import { subscribe, wsClient } from '../utils/subscriptions';
import { startTestApp, TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait';

const WRITE = `mutation W($input: WriteTraitsInput!) { writeTraits(input: $input) { accepted rejected { index reason } } }`;
const ERASE = `mutation E($id: IdentityInput!) { eraseProfile(identity: $id) { id status } }`;
const STATUS = `query S($id: ID!) { erasure(id: $id) { status } }`;
const PROFILE = `query P($id: IdentityInput!, $n: [String!]) { profile(identity: $id) { id traits(names: $n) { value } } }`;

// What erasure does beyond the tables: live subscribers learn of it, cached copies go at once, and
// nothing of the person is left anywhere, in Postgres (any column of any table) or in Redis.
describe('erasure reaches subscribers, caches and every column', () => {
  let t: TestApp;
  let writer: string;
  let ingest: string;
  let reader: string;
  let pii: string;
  const level = traitSpec({ type: 'number' });
  const clients: ReturnType<typeof wsClient>[] = [];

  beforeAll(async () => {
    t = await startTestApp({ profileCacheSize: 10_000 });
    await insertTraitDefinitions(t.db.url, t.db.schema, [level]);
    writer = await createKey(t, 'traits:write');
    ingest = await createKey(t, 'ingest');
    reader = await createKey(t, 'profile:read');
    pii = await createKey(t, 'profile:read:pii');
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await t.close();
  });

  const ask = async (query: string, variables: Record<string, unknown>, key = t.adminKey) => {
    const res = await gql<any>(t.url, query, variables, key);
    expect(res.errors).toBeUndefined();
    return res.data;
  };
  const rest = (identity: { type: string; value: string }) =>
    fetch(`${t.url}/v1/profiles/${identity.type}:${identity.value}/traits`, {
      headers: { authorization: `Bearer ${reader}` },
    });
  const erase = async (identity: { type: string; value: string }) => {
    const started = (await ask(ERASE, { id: identity })).eraseProfile;
    await waitFor('the erasure to finish', async () => {
      const s = (await ask(STATUS, { id: started.id })).erasure;
      return s.status === 'done';
    });
    return started.id as string;
  };
  // A person whose identifiers are distinctive strings, found nowhere else in the database.
  const person = () => {
    const tag = randomUUID().replace(/-/g, '');
    return {
      user: { type: 'user_id', value: `erasable-user-${tag}` },
      email: { type: 'email', value: `erasable.${tag}@example.org` },
      anon: `erasable-anon-${tag}`,
    };
  };

  it('tells a live profileChanged subscriber, then sends it nothing personal', async () => {
    const p = person();
    await ask(
      WRITE,
      { input: { rows: [{ identity: p.user, trait: level.name, value: 1 }] } },
      writer,
    );
    const hub = t.app.get(ChangeHub);
    const before = hub.subscribers;
    const subs = [reader, pii].map((key) => {
      const c = wsClient(t.url, key);
      clients.push(c);
      return subscribe(c, { identity: p.user });
    });
    await waitFor('the subscriptions to be live', () => hub.subscribers >= before + 2, {
      everyMs: 20,
    });
    await ask(
      WRITE,
      { input: { rows: [{ identity: p.user, trait: level.name, value: 2 }] } },
      writer,
    );
    await waitFor('the trait change', () => subs.every((s) => s.received.length >= 1));

    await erase(p.user);
    for (const s of subs) {
      const notice = await waitFor('the erasure notice', () =>
        s.received.find((r) => r.message.changes.some((c) => c.kind === 'erase')),
      );
      const change = notice.message.changes.find((c) => c.kind === 'erase')!;
      expect(change).toMatchObject({ name: null, before: null, after: null });
      expect(change.provenance).toMatchObject({ sourceKind: 'erasure' });
      expect(JSON.stringify(notice)).not.toContain(p.user.value);
    }

    // Writes after the erasure are refused, so subscribers hear nothing more of the person.
    const seen = subs.map((s) => s.received.length);
    const again = await ask(
      WRITE,
      { input: { rows: [{ identity: p.user, trait: level.name, value: 3 }] } },
      writer,
    );
    expect(again.writeTraits.accepted).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(subs.map((s) => s.received.length)).toEqual(seen);
    for (const s of subs) expect(s.errors).toEqual([]);
  });

  it('drops cached copies at once and leaves nothing of the person in any column or in Redis', async () => {
    const p = person();
    const rows = [
      { identity: p.user, trait: level.name, value: 7 },
      { identity: p.email, trait: level.name, value: 7 },
    ];
    expect((await ask(WRITE, { input: { rows } }, writer)).writeTraits.accepted).toBe(2);
    await ask(
      `mutation M($a: IdentityInput!, $b: IdentityInput!) { mergeProfiles(into: $a, from: $b) { profileId } }`,
      {
        a: p.user,
        b: p.email,
      },
    );
    const event = trackMessage({ userId: p.user.value, anonymousId: p.anon });
    expect((await post(t, '/v1/batch', { batch: [event] }, ingest)).status).toBe(200);
    await waitForInboxDrained(t);

    // Read twice on both paths: the second read of each is served from the profile cache.
    const profileId = (await ask(PROFILE, { id: p.user, n: [level.name] }, reader)).profile.id;
    for (let i = 0; i < 2; i++) {
      expect((await rest(p.user)).status).toBe(200);
      expect((await rest(p.email)).status).toBe(200);
      const read = (await ask(PROFILE, { id: p.email, n: [level.name] }, reader)).profile;
      expect(read).toEqual({ id: profileId, traits: [{ value: 7 }] });
    }

    const requestId = await erase(p.user);
    for (const identity of [p.user, p.email]) {
      const res = await rest(identity);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'PROFILE_NOT_FOUND',
      );
      expect((await ask(PROFILE, { id: identity, n: [level.name] }, reader)).profile).toBeNull();
    }

    // Catalog-driven: every text/JSON/array column of every table for the identifiers, and every
    // uuid column too for the profile id. The suppression list holds only hashes; the audit row
    // (erasure_request) holds a hashed identifier and no profile id; the one `erase` change on the
    // feed names the profile (it is how subscribers learn of it) and goes with the feed's retention.
    const needles = [p.user.value, p.email.value, p.anon];
    expect(await columnsHolding(t, needles)).toEqual([]);
    expect(await columnsHoldingId(t, profileId)).toEqual(['change_feed.profile_id']);
    const feed = await sql<{ kind: string; before: unknown; after: unknown }>(
      t,
      `SELECT kind, before, after FROM change_feed WHERE profile_id = $1`,
      [profileId],
    );
    expect(feed).toEqual([{ kind: 'erase', before: null, after: null }]);
    const [audit] = await sql<{ profile_id: string | null; identifier_hash: string }>(
      t,
      `SELECT profile_id, identifier_hash FROM erasure_request WHERE id = $1`,
      [requestId],
    );
    expect(audit.profile_id).toBeNull();
    expect(audit.identifier_hash).toMatch(/^[0-9a-f]{64}$/);

    expect(await redisKeysHolding([...needles, profileId])).toEqual([]);
  });
});
