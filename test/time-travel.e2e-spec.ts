import { randomUUID } from 'node:crypto';
import { IdentityResolver } from '../src/identity/resolve/identity-resolver.service';
import { insertTraitDefinitions, traitSpec } from './factories/trait-definition.factory';
import { gql } from './utils/graphql-request';
import { hours, iso, stamp } from './utils/instants';
import { createKey } from './utils/keys';
import { startTestApp, TestApp } from './utils/test-app';
import { WRITE_PATHS } from './utils/write-paths';

const PROFILE_FIELDS = `id revision asOf
  identities { type value sourceKind firstSeenAt lastSeenAt }
  merges { kind fromProfileId intoProfileId rule recordedAt identities { type value } cause { kind ref } }
  traits { name value status updatedAt provenance { sourceKind runId observedAt ingestedAt identity { type value } } }
  history(trait: $trait) { value validFrom validTo cursor provenance { runId } }`;
const PROFILE = `query P($id: IdentityInput!, $asOf: DateTime, $knownAt: DateTime, $trait: String!) {
  profile(identity: $id, asOf: $asOf, knownAt: $knownAt) { ${PROFILE_FIELDS} }
}`;
const EXPLAIN = `query E($id: IdentityInput!, $at: DateTime!, $trait: String!) {
  explain(identity: $id, at: $at) {
    at
    profile { knownAt ${PROFILE_FIELDS} }
    values { trait { name value status provenance { runId observedAt identity { type value } } } definition { version }
             merge { kind rule recordedAt cause { kind ref } } }
    memberships { audience }
    changes(first: 50) {
      nodes { kind at trait before after provenance { runId identity { type value } } merge { kind rule } identity { type value } cursor }
      nextCursor
    }
    corrections(first: 50) { nodes { trait value validFrom arrivedAt cursor } nextCursor }
  }
}`;
const WRITE = `mutation W($input: WriteTraitsInput!) { writeTraits(input: $input) { revisions rejected { reason } } }`;
const MERGE = `mutation M($into: IdentityInput!, $from: IdentityInput!) { mergeProfiles(into: $into, from: $from) { profileId } }`;
const UNMERGE = `mutation U($id: IdentityInput!) { unmergeIdentity(identity: $id) { profileId } }`;

type Id = { type: string; value: string };
interface Read {
  label: string;
  query: string;
  variables: Record<string, unknown>;
  answer: unknown;
}

// The scenario of issue #15: a device writes preferred_language en at 01:00 and vi at 05:00 under
// an anonymous id, the logged-in user id writes th at 03:00; the profile is read as of 02:00, 04:00
// and 06:00 under both; then they are merged, unmerged and merged again. Every answer read at any
// step — profile(asOf:) and explain(at:) — must be the same when read again at the end.
describe.each(WRITE_PATHS)('time travel that holds (scripted) ($path)', ({ config }) => {
  let t: TestApp;
  let key: string;
  const lang = traitSpec({ type: 'category', values: ['en', 'th', 'vi'] });

  beforeAll(async () => {
    t = await startTestApp(config);
    await insertTraitDefinitions(t.db.url, t.db.schema, [lang]);
    key = await createKey(t, 'traits:write', 'profile:read');
  });
  afterAll(() => t.close());

  const call = async (query: string, variables: Record<string, unknown>, as = key) => {
    const res = await gql<any>(t.url, query, variables, as);
    expect(res.errors).toBeUndefined();
    return res.data;
  };

  it('answers every past profile(asOf:) and explain(at:) identically after a merge, an unmerge and a second merge', async () => {
    const anon: Id = { type: 'anonymous_id', value: `a-${randomUUID()}` };
    const user: Id = { type: 'user_id', value: `u-${randomUUID()}` };
    const day = Math.floor((Date.now() - hours(8)) / hours(1)) * hours(1);
    const at = (h: number) => new Date(day + hours(h));
    const write = (id: Id, value: string, h: number) =>
      call(WRITE, {
        input: {
          runId: `w-${value}`,
          rows: [{ identity: id, trait: lang.name, value, observedAt: iso(at(h)) }],
        },
      });
    await write(anon, 'en', 1);
    await write(anon, 'vi', 5);
    await write(user, 'th', 3);

    const reads: Read[] = [];
    const instants: Date[] = [];
    const read = async (label: string, query: string, variables: Record<string, unknown>) => {
      const answer = await call(query, { ...variables, trait: lang.name });
      reads.push({ label, query, variables, answer });
      return answer;
    };
    const value = (answer: any) =>
      answer.profile?.traits.find((x: any) => x.name === lang.name)?.value ?? null;
    // Every read of a step: as of 02:00, 04:00, 06:00 and each instant recorded so far, under both
    // identities, known now and known at each recorded instant; explain at each recorded instant.
    const readStep = async (step: string) => {
      const k = await stamp();
      instants.push(k);
      const out: Record<string, unknown> = {};
      for (const id of [anon, user]) {
        for (const h of [2, 4, 6])
          out[`${id.type}@0${h}:00`] = value(
            await read(`${step} ${id.type} asOf 0${h}:00`, PROFILE, { id, asOf: iso(at(h)) }),
          );
        for (const [i, asOf] of instants.entries()) {
          await read(`${step} ${id.type} asOf k${i}`, PROFILE, { id, asOf: iso(asOf) });
          for (const [j, knownAt] of instants.entries())
            await read(`${step} ${id.type} asOf k${i} knownAt k${j}`, PROFILE, {
              id,
              asOf: iso(asOf),
              knownAt: iso(knownAt),
            });
          await read(`${step} ${id.type} explain k${i}`, EXPLAIN, { id, at: iso(asOf) });
        }
      }
      return out;
    };

    // The answers the issue saw change after a merge.
    const before = await readStep('written');
    expect(before).toEqual({
      'anonymous_id@02:00': 'en',
      'anonymous_id@04:00': 'en',
      'anonymous_id@06:00': 'vi',
      'user_id@02:00': null,
      'user_id@04:00': 'th',
      'user_id@06:00': 'th',
    });

    await t.app.get(IdentityResolver).observe([anon, user], { kind: 'event', ref: 'identify-1' });
    expect(await readStep('merged')).toEqual(before);
    // Today's view after a merge is as before: the latest observation wins, under either identity.
    for (const id of [anon, user])
      expect(value(await call(PROFILE, { id, trait: lang.name }))).toBe('vi');
    const merged = await call(EXPLAIN, { id: anon, at: iso(instants[1]), trait: lang.name });
    expect(merged.explain.profile.identities.map((i: Id) => i.type).sort()).toEqual([
      'anonymous_id',
      'user_id',
    ]);
    // vi arrived through the anonymous id, which the identify merged into the user's profile.
    expect(merged.explain.values).toEqual([
      expect.objectContaining({
        trait: expect.objectContaining({ value: 'vi' }),
        merge: expect.objectContaining({
          kind: 'merge',
          rule: 'observed-together',
          cause: { kind: 'event', ref: 'identify-1' },
        }),
      }),
    ]);
    // Newest first: the merge, the user id recorded by its first write, the three values (valid hours ago).
    expect(
      merged.explain.changes.nodes.map((c: any) => [
        c.kind,
        c.after ?? c.identity?.type ?? c.merge?.rule,
      ]),
    ).toEqual([
      ['merge', 'observed-together'],
      ['identity', 'user_id'],
      ['trait', 'vi'],
      ['trait', 'th'],
      ['trait', 'en'],
    ]);

    await call(UNMERGE, { id: anon }, t.adminKey);
    expect(await readStep('unmerged')).toEqual(before);
    expect(value(await call(PROFILE, { id: user, trait: lang.name }))).toBe('th');

    await call(MERGE, { into: user, from: anon }, t.adminKey);
    expect(await readStep('merged again')).toEqual(before);
    const again = await call(EXPLAIN, { id: user, at: iso(instants[3]), trait: lang.name });
    expect(again.explain.values[0]).toMatchObject({
      trait: { value: 'vi', provenance: { identity: anon } },
      merge: { kind: 'merge', rule: 'manual' },
    });

    // Every answer read along the way, read again now.
    const differing = [];
    for (const r of reads) {
      const now = await call(r.query, { ...r.variables, trait: lang.name });
      if (JSON.stringify(now) !== JSON.stringify(r.answer)) differing.push(r.label);
    }
    expect(differing).toEqual([]);
    expect(reads.length).toBeGreaterThan(100);
    // The merged past stays merged: as of the first merge, the anonymous id answers with both.
    const asMerged = await call(PROFILE, { id: anon, asOf: iso(instants[1]), trait: lang.name });
    expect(asMerged.profile.identities).toHaveLength(2);
    const asSplit = await call(PROFILE, { id: anon, asOf: iso(instants[2]), trait: lang.name });
    expect(asSplit.profile.identities).toEqual([expect.objectContaining(anon)]);
  });

  const rest = async (id: Id, query: string, as = key) => {
    const res = await fetch(
      `${t.url}/v1/profiles/${id.type}:${encodeURIComponent(id.value)}/traits?${query}`,
      {
        headers: { authorization: `Bearer ${as}` },
      },
    );
    return { status: res.status, body: (await res.json()) as any };
  };

  it('a late observation: explain at 12:00 serves X and lists Y as a later correction; known at 12:30 it is X, known now Y', async () => {
    const id: Id = { type: 'user_id', value: `late-${randomUUID()}` };
    const write = (value: string, observedAt: Date, runId: string) =>
      call(WRITE, {
        input: {
          runId,
          rows: [{ identity: id, trait: lang.name, value, observedAt: iso(observedAt) }],
        },
      });
    // X recorded at "12:00" for valid time "10:00"; Y recorded at "13:00" for valid time "11:00".
    await write('en', new Date(Date.now() - hours(2)), 'backfill-x');
    const noon = await stamp();
    const halfPast = await stamp();
    await write('th', new Date(noon.getTime() - hours(1)), 'backfill-y');
    const afterY = await stamp();

    const explained = await call(EXPLAIN, { id, at: iso(noon), trait: lang.name });
    expect(
      explained.explain.values.map((v: any) => [v.trait.value, v.trait.provenance.runId]),
    ).toEqual([['en', 'backfill-x']]);
    expect(explained.explain.corrections).toEqual({
      nodes: [
        {
          trait: lang.name,
          value: 'th',
          validFrom: iso(new Date(noon.getTime() - hours(1))),
          arrivedAt: expect.any(String),
          cursor: expect.any(String),
        },
      ],
      nextCursor: null,
    });
    const arrived = new Date(explained.explain.corrections.nodes[0].arrivedAt);
    expect(arrived > halfPast && arrived < afterY).toBe(true);

    const read = async (vars: Record<string, unknown>) =>
      (await call(PROFILE, { id, trait: lang.name, ...vars })).profile.traits[0].value;
    expect(await read({ asOf: iso(noon), knownAt: iso(halfPast) })).toBe('en');
    expect(await read({ asOf: iso(noon) })).toBe('th');
    expect(await read({ knownAt: iso(halfPast) })).toBe('en');
    expect(await read({})).toBe('th');

    // REST takes the same as query parameters.
    const q = (o: Record<string, string>) =>
      new URLSearchParams({ include: lang.name, ...o }).toString();
    expect((await rest(id, q({ asOf: iso(noon), knownAt: iso(halfPast) }))).body).toEqual({
      traits: { [lang.name]: 'en' },
    });
    expect((await rest(id, q({ asOf: iso(noon) }))).body).toEqual({
      traits: { [lang.name]: 'th' },
    });
    const verbose = await rest(id, q({ asOf: iso(noon), knownAt: iso(halfPast), verbose: 'true' }));
    expect(verbose.body.traits[lang.name]).toMatchObject({
      value: 'en',
      provenance: { runId: 'backfill-x' },
    });
    // Before the identity was recorded, nobody knew it.
    const unknown = await rest(id, q({ knownAt: iso(new Date(Date.now() - hours(3))) }));
    expect(unknown.status).toBe(404);
  });

  it('refuses a knownAt in the future and malformed instants, naming the field', async () => {
    const id: Id = { type: 'user_id', value: `bad-${randomUUID()}` };
    await call(WRITE, { input: { rows: [{ identity: id, trait: lang.name, value: 'en' }] } });
    const future = iso(new Date(Date.now() + hours(1)));
    const res = await gql<any>(t.url, PROFILE, { id, knownAt: future, trait: lang.name }, key);
    expect(res.errors?.[0]).toMatchObject({
      message: 'knownAt: must not be in the future',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const explain = await gql<any>(t.url, EXPLAIN, { id, at: future, trait: lang.name }, key);
    expect(explain.errors?.[0]).toMatchObject({
      message: 'at: must not be in the future',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const restFuture = await rest(id, `knownAt=${encodeURIComponent(future)}`);
    expect(restFuture.status).toBe(400);
    expect(JSON.stringify(restFuture.body)).toMatch(/knownAt/);
    const restBad = await rest(id, 'asOf=yesterday');
    expect(restBad.status).toBe(400);
    expect(JSON.stringify(restBad.body)).toMatch(/asOf must be an ISO-8601 timestamp/);
    const cursor = await gql<any>(
      t.url,
      `query H($id: IdentityInput!, $t: String!) { profile(identity: $id) { history(trait: $t, after: "nope") { value } } }`,
      { id, t: lang.name },
      key,
    );
    expect(cursor.errors?.[0]).toMatchObject({
      message: 'after: not a cursor of this list',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('Profile.history pages through a long history, now and as of a past time', async () => {
    const id: Id = { type: 'user_id', value: `long-${randomUUID()}` };
    const start = Date.now() - hours(30);
    const rows = Array.from({ length: 30 }, (_, i) => ({
      identity: id,
      trait: lang.name,
      value: ['en', 'th', 'vi'][i % 3],
      observedAt: iso(new Date(start + hours(i))),
    }));
    await call(WRITE, { input: { rows } });
    const HISTORY = `query H($id: IdentityInput!, $asOf: DateTime, $t: String!, $limit: Int, $after: String) {
      profile(identity: $id, asOf: $asOf) { history(trait: $t, limit: $limit, after: $after) { value validFrom validTo cursor } }
    }`;
    const pageThrough = async (asOf?: string) => {
      const all = [];
      let after: string | null = null;
      for (let n = 0; n < 20; n++) {
        const page: any[] = (await call(HISTORY, { id, asOf, t: lang.name, limit: 7, after }))
          .profile.history;
        all.push(...page);
        if (page.length < 7) break;
        after = page[page.length - 1].cursor;
      }
      return all;
    };
    const whole = (await call(HISTORY, { id, t: lang.name, limit: 500 })).profile.history;
    expect(whole).toHaveLength(30);
    expect(await pageThrough()).toEqual(whole);
    const asOf = iso(new Date(start + hours(20)));
    const past = await pageThrough(asOf);
    expect(past).toHaveLength(21);
    // As of a past time every revision still ends where the next one starts, as known now.
    expect(past.map((r: any) => [r.validFrom, r.validTo])).toEqual(
      whole.slice(9).map((r: any) => [r.validFrom, r.validTo]),
    );
  });
});
