import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { IdentityResolver } from '../src/identity/resolve/identity-resolver.service';
import { TraitWriter } from '../src/traits/trait-writer.service';
import { insertTraitDefinitions, traitSpec } from './factories/trait-definition.factory';
import { TEST_REDIS_URL } from './utils/env';
import { gql } from './utils/graphql-request';
import { createKey } from './utils/keys';
import { count, sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';

const PROFILE = `query P($id: IdentityInput!) {
  profile(identity: $id) {
    id revision
    identities { type value sourceKind firstSeenAt lastSeenAt }
    traits { name value provenance { identity { type value } } }
    merges { kind fromProfileId intoProfileId identities { type value } cause { kind ref } rule at }
  }
}`;
const HISTORY = `query H($id: IdentityInput!, $trait: String!) {
  profile(identity: $id) { history(trait: $trait) { value validFrom validTo provenance { identity { type value } } } }
}`;
const MERGE = `mutation M($into: IdentityInput!, $from: IdentityInput!, $force: Boolean) {
  mergeProfiles(into: $into, from: $from, force: $force) { profileId mergedProfileId forced }
}`;
const UNMERGE = `mutation U($id: IdentityInput!) {
  unmergeIdentity(identity: $id) { identity { type value } profileId previousProfileId profileIds }
}`;
const VIOLATIONS = `query V($limit: Int) {
  identityViolations(limit: $limit) { kind identity { type value } profileId targetProfileId limitType limit wouldBe cause { kind ref } occurrences }
}`;
const PREVIEW = `query R($yaml: String!) { previewIdentityRules(yaml: $yaml) { merges splits violations profilesBefore profilesAfter identities links } }`;

const uid = (prefix: string) => `${prefix}-${randomUUID()}`;
const at = (iso: string) => new Date(iso);

describe('identity unification', () => {
  let t: TestApp;
  let resolver: IdentityResolver;
  let readKey: string;
  const level = traitSpec({ type: 'number' });
  const nick = traitSpec({ type: 'string' });
  const country = traitSpec({ type: 'category', values: ['KH', 'TH'] });

  beforeAll(async () => {
    t = await startTestApp();
    await insertTraitDefinitions(t.db.url, t.db.schema, [level, nick, country]);
    resolver = t.app.get(IdentityResolver);
    readKey = await createKey(t, 'profile:read');
  });
  afterAll(() => t.close());

  const write = (
    rows: {
      identity: { type: string; value: string };
      trait: string;
      value: unknown;
      observedAt?: Date;
    }[],
  ) =>
    t.app
      .get(TraitWriter)
      .write({ rows, provenance: { sourceKind: 'api', sourceRef: {}, runId: 'identity-test' } });
  const profile = async (id: { type: string; value: string }, key = t.adminKey) => {
    const res = await gql<any>(t.url, PROFILE, { id }, key);
    expect(res.errors).toBeUndefined();
    return res.data.profile;
  };
  const restTraits = async (id: { type: string; value: string }) => {
    const res = await fetch(
      `${t.url}/v1/profiles/${id.type}:${encodeURIComponent(id.value)}/traits`,
      {
        headers: { authorization: `Bearer ${readKey}` },
      },
    );
    return { status: res.status, body: (await res.json()) as any };
  };
  const traitMap = (p: any) => Object.fromEntries(p.traits.map((x: any) => [x.name, x.value]));

  it('first sightings: identities seen together share one new profile; a repeat changes nothing', async () => {
    const ids = [
      { type: 'anonymous_id', value: uid('anon') },
      { type: 'user_id', value: uid('user') },
      { type: 'email', value: ` ${uid('Mail')}@Example.io ` },
    ];
    const first = await resolver.observe(ids, { kind: 'event', ref: 'msg-1' });
    expect(first).toMatchObject({ created: true, merged: [], violations: [], noop: false });
    const p = await profile(ids[1]);
    expect(p.id).toBe(first.profileId);
    expect(p.revision).toBe(1);
    expect(p.identities.map((i: any) => i.type).sort()).toEqual([
      'anonymous_id',
      'email',
      'user_id',
    ]);
    expect(p.identities.find((i: any) => i.type === 'email').value).toBe(
      ids[2].value.trim().toLowerCase(),
    );
    expect(p.identities.every((i: any) => i.sourceKind === 'event')).toBe(true);

    const again = await resolver.observe(ids, { kind: 'event', ref: 'msg-2' });
    expect(again).toMatchObject({
      profileId: first.profileId,
      created: false,
      merged: [],
      violations: [],
    });
    expect((await profile(ids[0])).revision).toBe(1);
    expect(
      await count(t, 'SELECT count(*) AS n FROM identity_link WHERE cause_ref IN ($1, $2)', [
        'msg-1',
        'msg-2',
      ]),
    ).toBe(1);
  });

  it('a sighting moves lastSeenAt only when it is more than a minute after the recorded one', async () => {
    const id = { type: 'user_id', value: uid('seen') };
    const other = { type: 'anonymous_id', value: uid('anon') };
    const t0 = at('2026-06-01T10:00:00.000Z');
    await resolver.observe([id], { kind: 'event', ref: 's-1', at: t0 });
    const lastSeen = async () =>
      (await profile(id)).identities.find((i: any) => i.type === 'user_id').lastSeenAt;
    expect(await lastSeen()).toBe(t0.toISOString());
    // 30 s later, alone and in a batch with a new identity: nothing to record.
    await resolver.observe([id], { kind: 'event', ref: 's-2', at: at('2026-06-01T10:00:30.000Z') });
    await resolver.observeMany([
      {
        identities: [other],
        cause: { kind: 'event', ref: 's-3', at: at('2026-06-01T10:00:40.000Z') },
      },
      {
        identities: [id],
        cause: { kind: 'event', ref: 's-4', at: at('2026-06-01T10:00:50.000Z') },
      },
    ]);
    expect(await lastSeen()).toBe(t0.toISOString());
    // Two minutes later: recorded.
    await resolver.observe([id], { kind: 'event', ref: 's-5', at: at('2026-06-01T10:02:00.000Z') });
    expect(await lastSeen()).toBe('2026-06-01T10:02:00.000Z');
  });

  it('shared device: two user ids linked through one anonymous id are not merged; the violation is recorded', async () => {
    const tablet = { type: 'anonymous_id', value: uid('tablet') };
    const alice = { type: 'user_id', value: uid('alice') };
    const bob = { type: 'user_id', value: uid('bob') };
    const a = await resolver.observe([alice, tablet], { kind: 'event', ref: 'login-alice' });
    const b = await resolver.observe([bob, tablet], { kind: 'event', ref: 'login-bob' });
    expect(b.profileId).not.toBe(a.profileId);
    expect(b.violations).toEqual([
      {
        kind: 'merge',
        identity: tablet,
        profileId: a.profileId,
        targetProfileId: b.profileId,
        limitType: 'user_id',
        limit: 1,
      },
    ]);
    expect((await profile(tablet)).id).toBe(a.profileId);
    expect((await profile(bob)).identities).toHaveLength(1);

    await resolver.observe([bob, tablet], { kind: 'event', ref: 'login-bob-again' });
    const listed = await gql<any>(t.url, VIOLATIONS, { limit: 50 }, t.adminKey);
    const mine = listed.data.identityViolations.filter(
      (v: any) => v.identity.value === tablet.value,
    );
    expect(mine).toEqual([
      {
        kind: 'merge',
        identity: tablet,
        profileId: a.profileId,
        targetProfileId: b.profileId,
        limitType: 'user_id',
        limit: 1,
        wouldBe: 2,
        cause: { kind: 'event', ref: 'login-bob-again' },
        occurrences: 2,
      },
    ]);
    const denied = await gql<any>(t.url, VIOLATIONS, {}, readKey);
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('a blocked value never links anything, never gets a profile, and is refused by the write path', async () => {
    const a1 = { type: 'anonymous_id', value: uid('a') };
    const a2 = { type: 'anonymous_id', value: uid('a') };
    const r1 = await resolver.observe([{ type: 'user_id', value: 'undefined' }, a1], {
      kind: 'event',
    });
    const r2 = await resolver.observe([{ type: 'user_id', value: ' Undefined ' }, a2], {
      kind: 'event',
    });
    expect(r1.profileId).not.toBe(r2.profileId);
    expect(r1.dropped).toEqual([{ index: 0, reason: 'identity.value: a blocked user_id value' }]);
    const only = await resolver.observe(
      [
        { type: 'user_id', value: 'null' },
        { type: 'email', value: '0' },
      ],
      { kind: 'event' },
    );
    expect(only).toMatchObject({ profileId: null, noop: true, created: false });
    expect(
      await count(
        t,
        "SELECT count(*) AS n FROM identity WHERE value IN ('undefined', 'Undefined', 'null', '0')",
      ),
    ).toBe(0);

    const written = await write([
      { identity: { type: 'user_id', value: 'undefined' }, trait: level.name, value: 1 },
    ]);
    expect(written.rejected).toEqual([
      { index: 0, reason: 'identity.value: a blocked user_id value' },
    ]);
    expect(await restTraits({ type: 'user_id', value: 'undefined' })).toMatchObject({
      status: 404,
    });
    expect(
      (await gql<any>(t.url, PROFILE, { id: { type: 'user_id', value: 'undefined' } }, t.adminKey))
        .data.profile,
    ).toBeNull();
  });

  it('merge then unmerge: lookups by either identity agree after the merge, and split with the right traits after', async () => {
    const anon = { type: 'anonymous_id', value: uid('anon') };
    const user = { type: 'user_id', value: uid('user') };
    await write([
      { identity: anon, trait: level.name, value: 1, observedAt: at('2026-01-01T00:00:00Z') },
      { identity: anon, trait: nick.name, value: 'guest', observedAt: at('2026-01-01T00:00:00Z') },
    ]);
    await write([
      { identity: user, trait: level.name, value: 5, observedAt: at('2026-01-02T00:00:00Z') },
      { identity: user, trait: country.name, value: 'KH', observedAt: at('2026-01-02T00:00:00Z') },
    ]);
    const anonBefore = await profile(anon);
    const userBefore = await profile(user);
    expect(anonBefore.id).not.toBe(userBefore.id);

    const linked = await resolver.observe([anon, user], { kind: 'event', ref: 'identify-1' });
    expect(linked.merged).toEqual([{ from: anonBefore.id, into: userBefore.id }]);
    const merged = await profile(anon);
    expect(merged.id).toBe(userBefore.id);
    expect(merged.revision).toBeGreaterThan(Math.max(anonBefore.revision, userBefore.revision));
    expect(traitMap(merged)).toEqual({
      [level.name]: 5,
      [nick.name]: 'guest',
      [country.name]: 'KH',
    });
    expect(await profile(user)).toEqual(merged);
    const [restAnon, restUser] = [await restTraits(anon), await restTraits(user)];
    expect(restAnon).toEqual({ status: 200, body: { traits: traitMap(merged) } });
    expect(restUser).toEqual(restAnon);
    expect(merged.merges).toEqual([
      expect.objectContaining({
        kind: 'merge',
        fromProfileId: anonBefore.id,
        intoProfileId: userBefore.id,
        identities: [user, anon],
        cause: { kind: 'event', ref: 'identify-1' },
        rule: 'observed-together',
      }),
    ]);
    const history = await gql<any>(t.url, HISTORY, { id: user, trait: level.name }, t.adminKey);
    expect(history.data.profile.history).toEqual([
      {
        value: 5,
        validFrom: '2026-01-02T00:00:00.000Z',
        validTo: null,
        provenance: { identity: user },
      },
      {
        value: 1,
        validFrom: '2026-01-01T00:00:00.000Z',
        validTo: '2026-01-02T00:00:00.000Z',
        provenance: { identity: anon },
      },
    ]);
    expect(await sql(t, 'SELECT merged_into FROM profile WHERE id = $1', [anonBefore.id])).toEqual([
      { merged_into: userBefore.id },
    ]);

    // A value that arrives through the anonymous id after the merge goes with it on unmerge.
    await write([
      { identity: anon, trait: level.name, value: 7, observedAt: at('2026-01-03T00:00:00Z') },
    ]);
    expect(traitMap(await profile(user))[level.name]).toBe(7);

    const split = await gql<any>(t.url, UNMERGE, { id: anon }, t.adminKey);
    expect(split.errors).toBeUndefined();
    const result = split.data.unmergeIdentity;
    expect(result).toMatchObject({ identity: anon, previousProfileId: userBefore.id });
    expect(result.profileIds.sort()).toEqual([result.profileId, userBefore.id].sort());
    const [anonAfter, userAfter] = [await profile(anon), await profile(user)];
    expect(anonAfter.id).toBe(result.profileId);
    expect(userAfter.id).toBe(userBefore.id);
    expect(traitMap(anonAfter)).toEqual({ [level.name]: 7, [nick.name]: 'guest' });
    expect(traitMap(userAfter)).toEqual({ [level.name]: 5, [country.name]: 'KH' });
    expect((await restTraits(anon)).body).toEqual({ traits: traitMap(anonAfter) });
    expect((await restTraits(user)).body).toEqual({ traits: traitMap(userAfter) });
    const anonHistory = await gql<any>(t.url, HISTORY, { id: anon, trait: level.name }, t.adminKey);
    expect(anonHistory.data.profile.history.map((h: any) => [h.value, h.validTo])).toEqual([
      [7, null],
      [1, '2026-01-03T00:00:00.000Z'],
    ]);
    expect(userAfter.revision).toBeGreaterThan(merged.revision);
    expect(anonAfter.merges.map((m: any) => m.kind)).toEqual(['unmerge']);
    expect(userAfter.merges.map((m: any) => m.kind)).toEqual(['merge', 'unmerge']);

    // The split holds: observing the user alone does not bring the anonymous id back; seeing them
    // together again does.
    expect((await resolver.observe([user], { kind: 'event' })).merged).toEqual([]);
    const relinked = await resolver.observe([user, anon], { kind: 'event', ref: 'identify-2' });
    expect(relinked.merged).toEqual([{ from: anonAfter.id, into: userBefore.id }]);
  });

  it('unmerge refuses an identity alone on its profile and unknown identities', async () => {
    const lone = { type: 'device_id', value: uid('d') };
    await resolver.observe([lone], { kind: 'api' });
    expect(
      (await gql<any>(t.url, UNMERGE, { id: lone }, t.adminKey)).errors?.[0].extensions?.code,
    ).toBe('CONFLICT');
    const missing = await gql<any>(
      t.url,
      UNMERGE,
      { id: { type: 'device_id', value: uid('none') } },
      t.adminKey,
    );
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(
      (await gql<any>(t.url, UNMERGE, { id: lone }, readKey)).errors?.[0].extensions?.code,
    ).toBe('FORBIDDEN');
  });

  it('mergeProfiles obeys the limits unless forced, and unmerge undoes a forced merge', async () => {
    const u1 = { type: 'user_id', value: uid('u1') };
    const u2 = { type: 'user_id', value: uid('u2') };
    const e2 = { type: 'email', value: `${uid('e')}@x.io` };
    await write([{ identity: u1, trait: level.name, value: 10 }]);
    await resolver.observe([u2, e2], { kind: 'dbt', ref: 'run-1' });
    await write([{ identity: e2, trait: nick.name, value: 'two' }]);
    const refused = await gql<any>(t.url, MERGE, { into: u1, from: u2 }, t.adminKey);
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(refused.errors?.[0].message).toMatch(/2 user_id identities \(limit 1\)/);

    const forced = await gql<any>(t.url, MERGE, { into: u1, from: u2, force: true }, t.adminKey);
    const p1 = await profile(u1);
    expect(forced.data.mergeProfiles).toEqual({
      profileId: p1.id,
      mergedProfileId: expect.any(String),
      forced: true,
    });
    expect((await profile(e2)).id).toBe(p1.id);
    expect(traitMap(p1)).toEqual({ [level.name]: 10, [nick.name]: 'two' });
    expect(p1.merges[0]).toMatchObject({ rule: 'manual-forced', cause: { kind: 'manual' } });

    await gql<any>(t.url, UNMERGE, { id: u2 }, t.adminKey);
    // As if u2 had never been linked: the forced link and its own link to e2 are gone, so u1, u2
    // and e2 are three profiles, and each value stays with the identity it arrived through.
    const [a, b, c] = [await profile(u1), await profile(u2), await profile(e2)];
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    expect(traitMap(a)).toEqual({ [level.name]: 10 });
    expect(traitMap(b)).toEqual({});
    expect(traitMap(c)).toEqual({ [nick.name]: 'two' });

    const bad = await gql<any>(
      t.url,
      MERGE,
      { into: u1, from: { type: 'user_id', value: 'null' } },
      t.adminKey,
    );
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('announces merges after commit on the change feed; merge changes carry ids only', async () => {
    const sub = new Redis(TEST_REDIS_URL);
    const received: any[] = [];
    sub.on('message', (_channel, message: string) => received.push(...(JSON.parse(message).c ?? [])));
    await sub.subscribe(`traitbase:${t.db.schema}:feed`);
    try {
      const x = { type: 'device_id', value: uid('dev') };
      const y = { type: 'email', value: `${uid('m')}@y.io` };
      const px = (await resolver.observe([x], { kind: 'api' })).profileId;
      const py = (await resolver.observe([y], { kind: 'api' })).profileId;
      await resolver.observe([x, y], { kind: 'api' });
      await new Promise((r) => setTimeout(r, 200));
      const merges = received.filter((c) => c.kind === 'merge');
      expect(merges).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            profileId: py,
            after: { mergedFrom: [px] },
            revision: expect.any(Number),
            position: expect.any(Number),
          }),
          expect.objectContaining({ profileId: px, after: { mergedInto: py } }),
        ]),
      );
      expect(JSON.stringify(merges)).not.toContain(y.value);
    } finally {
      sub.disconnect();
    }
  });

  it('previewIdentityRules: the current rules change nothing, stricter ones say what would split', async () => {
    const current = await gql<any>(t.url, PREVIEW, { yaml: '' }, t.adminKey);
    expect(current.errors).toBeUndefined();
    expect(current.data.previewIdentityRules).toMatchObject({ merges: 0, splits: 0 });
    const { profilesBefore, identities } = current.data.previewIdentityRules;
    expect(identities).toBe(await count(t, 'SELECT count(*) AS n FROM identity'));
    expect(profilesBefore).toBe(
      await count(t, 'SELECT count(DISTINCT profile_id) AS n FROM identity'),
    );

    // Two user ids allowed per profile: the shared-device profiles would merge.
    const looser = await gql<any>(
      t.url,
      PREVIEW,
      { yaml: 'types:\n  user_id: { limit: 2 }\n' },
      t.adminKey,
    );
    expect(looser.errors).toBeUndefined();
    expect(looser.data.previewIdentityRules.merges).toBeGreaterThan(0);
    expect(looser.data.previewIdentityRules.violations).toBeLessThan(
      current.data.previewIdentityRules.violations,
    );
    const blockedAnon = await gql<any>(
      t.url,
      PREVIEW,
      { yaml: "types:\n  anonymous_id: { blocked: { patterns: ['^anon-'] } }\n" },
      t.adminKey,
    );
    expect(blockedAnon.data.previewIdentityRules.splits).toBeGreaterThan(0);

    const invalid = await gql<any>(
      t.url,
      PREVIEW,
      { yaml: 'types:\n  user_id: { limit: zero }\n' },
      t.adminKey,
    );
    expect(invalid.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { '2:21 types.user_id.limit': 'must be an integer' },
    });
  });
});
