import { randomUUID } from 'node:crypto';
import { DbtImportService } from '../src/sources/dbt/import/dbt-import.service';
import {
  definitionsDir,
  identifyMessage,
  post,
  waitForInboxDrained,
} from './factories/event.factory';
import { dbtFixture } from './fixtures/dbt-fixtures';
import {
  createCustomers,
  CUSTOMERS_MODEL,
  customersManifest,
  postRunResults,
} from './fixtures/jaffle-shop';
import { createWarehouse, RunRow, waitForRun, Warehouse } from './utils/dbt-helpers';
import { gql } from './utils/graphql-request';
import { hours, iso, stamp } from './utils/instants';
import { createKey } from './utils/keys';
import { sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';

type Json = Record<string, any>;
type Id = { type: string; value: string };

const PROVENANCE =
  'provenance { sourceKind sourceRef runId definitionVersion observedAt ingestedAt identity { type value } }';
const EXPLAIN = `query E($id: IdentityInput!, $at: DateTime!, $knownAt: DateTime, $first: Int, $after: String, $cfirst: Int, $cafter: String) {
  explain(identity: $id, at: $at, knownAt: $knownAt) {
    at
    knownAt
    profile { id knownAt identities { type value } }
    values {
      trait { name value status ${PROVENANCE} }
      definition { version schemaVersion spec }
      merge { kind rule cause { kind ref } recordedAt identities { type value } }
    }
    memberships { audience }
    changes(first: $first, after: $after) {
      nodes { kind at trait before after ${PROVENANCE} merge { kind rule cause { kind ref } } identity { type value } cursor }
      nextCursor
    }
    corrections(first: $cfirst, after: $cafter) { nodes { trait value validFrom arrivedAt ${PROVENANCE} cursor } nextCursor }
  }
}`;
const WRITE = `mutation W($input: WriteTraitsInput!) { writeTraits(input: $input) { revisions rejected { reason } } }`;

jest.setTimeout(90_000);

describe('explain(identity, at)', () => {
  let t: TestApp;
  let wh: Warehouse;
  let ingest: string;
  let reader: string;
  let run: RunRow;

  beforeAll(async () => {
    const dir = await definitionsDir({
      traits: {
        'player.yaml': { source: { kind: 'event' }, traits: [{ name: 'level', type: 'number' }] },
        'settings.yaml': {
          source: { kind: 'api' },
          traits: [
            { name: 'difficulty', type: 'category', values: ['easy', 'hard'] },
            { name: 'phone', type: 'string', pii: true },
          ],
        },
      },
    });
    t = await startTestApp({ traitDefinitionsDir: dir });
    wh = await createWarehouse();
    await createCustomers(wh);
    ingest = await createKey(t, 'ingest', 'traits:write');
    reader = await createKey(t, 'profile:read');
    await t.app.get(DbtImportService).import(customersManifest(wh));
    const started = new Date();
    expect((await postRunResults(t, dbtFixture('jaffle_shop.run_results.json'))).status).toBe(202);
    run = await waitForRun((text, params) => sql(t, text, params), CUSTOMERS_MODEL, started);
    expect(run.status).toBe('succeeded');
  });
  afterAll(async () => {
    await t?.close();
    await wh?.close();
  });

  const explain = async (
    id: Id,
    at: Date,
    key = t.adminKey,
    page: Record<string, unknown> = {},
  ) => {
    const res = await gql<any>(t.url, EXPLAIN, { id, at: iso(at), ...page }, key);
    expect(res.errors).toBeUndefined();
    return res.data.explain;
  };
  const write = (rows: Json[], key = ingest) => gql<any>(t.url, WRITE, { input: { rows } }, key);
  const valueOf = (e: any, name: string) => e.values.find((v: any) => v.trait.name === name);

  it('names the dbt model, invocation and checksum of a value a dbt sync wrote, and the definition of its version', async () => {
    const e = await explain({ type: 'user_id', value: '7' }, await stamp());
    const checksum = dbtFixture<Json>('jaffle_shop.manifest.json').nodes[CUSTOMERS_MODEL].checksum
      .checksum;
    expect(valueOf(e, 'order_count')).toMatchObject({
      trait: {
        value: 0,
        provenance: {
          sourceKind: 'dbt',
          sourceRef: {
            uniqueId: CUSTOMERS_MODEL,
            invocationId: 'cfbc1db9-66c1-46c2-a94b-8c0cef32314f',
            checksum,
          },
          runId: run.id,
          definitionVersion: 1,
        },
      },
      definition: {
        version: 1,
        spec: expect.objectContaining({
          name: 'order_count',
          type: 'number',
          source: expect.objectContaining({ kind: 'dbt', model: CUSTOMERS_MODEL }),
        }),
      },
      merge: null,
    });
    expect(e.memberships).toEqual([]);
  });

  it('names the message id of a value an event wrote', async () => {
    const userId = `u-${randomUUID()}`;
    const msg = identifyMessage({ userId, traits: { level: 12 } });
    expect((await post(t, '/v1/identify', msg, ingest)).status).toBe(200);
    await waitForInboxDrained(t);
    const e = await explain({ type: 'user_id', value: userId }, await stamp());
    expect(valueOf(e, 'level')).toMatchObject({
      trait: {
        value: 12,
        provenance: { sourceKind: 'event', sourceRef: { messageId: msg.messageId } },
      },
      definition: { version: 1 },
      merge: null,
    });
    expect(e.changes.nodes).toContainEqual(
      expect.objectContaining({
        kind: 'trait',
        trait: 'level',
        before: null,
        after: 12,
        provenance: expect.objectContaining({ sourceRef: { messageId: msg.messageId } }),
      }),
    );
  });

  it('names the merge and its rule for a value that arrived through a merge, and only after it was recorded', async () => {
    const anon: Id = { type: 'anonymous_id', value: `a-${randomUUID()}` };
    const user: Id = { type: 'user_id', value: '7' };
    expect(
      (await write([{ identity: anon, trait: 'difficulty', value: 'hard' }])).errors,
    ).toBeUndefined();
    const beforeMerge = await stamp();
    const msg = identifyMessage({ userId: user.value, anonymousId: anon.value });
    expect((await post(t, '/v1/identify', msg, ingest)).status).toBe(200);
    await waitForInboxDrained(t);
    const afterMerge = await stamp();

    const merged = await explain(user, afterMerge);
    expect(valueOf(merged, 'difficulty')).toMatchObject({
      trait: { value: 'hard', provenance: { identity: anon } },
      merge: {
        kind: 'merge',
        rule: 'observed-together',
        cause: { kind: 'event', ref: msg.messageId },
      },
    });
    expect(merged.profile.identities).toContainEqual(anon);
    expect(merged.changes.nodes[0]).toMatchObject({
      kind: 'merge',
      merge: { rule: 'observed-together', cause: { ref: msg.messageId } },
    });
    // Before the merge was recorded, user 7 had no difficulty and no anonymous id.
    const before = await explain(user, beforeMerge);
    expect(valueOf(before, 'difficulty')).toBeUndefined();
    expect(before.profile.identities).toEqual([user]);
  });

  it('masks by scope like every read: a profile:read key never sees a PII value, its changes or its corrections', async () => {
    const id: Id = { type: 'user_id', value: `pii-${randomUUID()}` };
    await write([
      {
        identity: id,
        trait: 'phone',
        value: '+85512345678',
        observedAt: iso(new Date(Date.now() - hours(2))),
      },
      {
        identity: id,
        trait: 'difficulty',
        value: 'easy',
        observedAt: iso(new Date(Date.now() - hours(2))),
      },
    ]);
    const at = await stamp();
    await write([
      {
        identity: id,
        trait: 'phone',
        value: '+85599999999',
        observedAt: iso(new Date(at.getTime() - hours(1))),
      },
      {
        identity: id,
        trait: 'difficulty',
        value: 'hard',
        observedAt: iso(new Date(at.getTime() - hours(1))),
      },
    ]);
    const names = (e: any) => ({
      values: e.values.map((v: any) => v.trait.name).sort(),
      changes: e.changes.nodes
        .map((c: any) => c.trait)
        .filter(Boolean)
        .sort(),
      corrections: e.corrections.nodes.map((c: any) => c.trait).sort(),
    });
    expect(names(await explain(id, at))).toEqual({
      values: ['difficulty', 'phone'],
      changes: ['difficulty', 'phone'],
      corrections: ['difficulty', 'phone'],
    });
    expect(names(await explain(id, at, reader))).toEqual({
      values: ['difficulty'],
      changes: ['difficulty'],
      corrections: ['difficulty'],
    });
    const asOf = await gql<any>(
      t.url,
      `query P($id: IdentityInput!, $asOf: DateTime) { profile(identity: $id, asOf: $asOf) { traits { name } history(trait: "difficulty") { value } } }`,
      { id, asOf: iso(at) },
      reader,
    );
    expect(asOf.data.profile.traits).toEqual([{ name: 'difficulty' }]);
    const forbidden = await gql<any>(
      t.url,
      `query P($id: IdentityInput!, $asOf: DateTime) { profile(identity: $id, asOf: $asOf) { history(trait: "phone") { value } } }`,
      { id, asOf: iso(at) },
      reader,
    );
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('pages through the changes and the corrections; a page of one at a time gives the whole list', async () => {
    const id: Id = { type: 'user_id', value: `pages-${randomUUID()}` };
    const now = Date.now();
    await write(
      Array.from({ length: 9 }, (_, i) => ({
        identity: id,
        trait: 'difficulty',
        value: i % 2 ? 'hard' : 'easy',
        observedAt: iso(new Date(now - hours(20) + hours(i))),
      })),
    );
    const at = await stamp();
    for (let i = 0; i < 4; i++) {
      await write([
        {
          identity: id,
          trait: 'difficulty',
          value: i % 2 ? 'easy' : 'hard',
          observedAt: iso(new Date(at.getTime() - hours(1) + i * 60_000)),
        },
      ]);
    }
    const whole = await explain(id, at);
    expect(whole.changes.nodes.filter((c: any) => c.kind === 'trait')).toHaveLength(9);
    expect(whole.corrections.nodes).toHaveLength(4);
    const walk = async (list: 'changes' | 'corrections') => {
      const nodes = [];
      let after: string | null = null;
      for (let n = 0; n < 30; n++) {
        const page: any = (
          await explain(
            id,
            at,
            t.adminKey,
            list === 'changes' ? { first: 1, after } : { cfirst: 1, cafter: after },
          )
        )[list];
        nodes.push(...page.nodes);
        if (!page.nextCursor) break;
        after = page.nextCursor;
      }
      return nodes;
    };
    expect(await walk('changes')).toEqual(whole.changes.nodes);
    expect(await walk('corrections')).toEqual(whole.corrections.nodes);
  });

  it('with knownAt answers what had been recorded by then about `at`, as the profile read does; corrections are what came after knownAt', async () => {
    const id: Id = { type: 'user_id', value: `known-${randomUUID()}` };
    const beforeAny = await stamp();
    await write([
      {
        identity: id,
        trait: 'difficulty',
        value: 'easy',
        observedAt: iso(new Date(Date.now() - hours(3))),
      },
    ]);
    const at = await stamp();
    // Late rows: valid before `at`, recorded after it; one before knownAt, one after.
    await write([
      {
        identity: id,
        trait: 'difficulty',
        value: 'hard',
        observedAt: iso(new Date(at.getTime() - hours(1))),
      },
    ]);
    const knownAt = await stamp();
    await write([
      {
        identity: id,
        trait: 'difficulty',
        value: 'easy',
        observedAt: iso(new Date(at.getTime() - hours(0.5))),
      },
    ]);
    const served = await explain(id, at);
    expect(served.knownAt).toBe(iso(at));
    expect(valueOf(served, 'difficulty').trait.value).toBe('easy');
    expect(served.corrections.nodes.map((c: any) => c.value)).toEqual(['hard', 'easy']);

    const later = await explain(id, at, t.adminKey, { knownAt: iso(knownAt) });
    expect(later.knownAt).toBe(iso(knownAt));
    expect(later.profile.knownAt).toBe(iso(knownAt));
    expect(valueOf(later, 'difficulty').trait.value).toBe('hard');
    expect(later.changes.nodes.filter((c: any) => c.kind === 'trait')).toContainEqual(
      expect.objectContaining({ trait: 'difficulty', before: 'easy', after: 'hard' }),
    );
    expect(later.corrections.nodes.map((c: any) => c.value)).toEqual(['easy']);
    // The same pair read through profile(asOf, knownAt) serves the same values.
    const profile = await gql<any>(
      t.url,
      `query P($id: IdentityInput!, $asOf: DateTime, $knownAt: DateTime) { profile(identity: $id, asOf: $asOf, knownAt: $knownAt) { knownAt traits { name value } } }`,
      { id, asOf: iso(at), knownAt: iso(knownAt) },
      t.adminKey,
    );
    expect(profile.data.profile.traits).toEqual(
      later.values.map((v: any) => ({ name: v.trait.name, value: v.trait.value })),
    );
    // Known now: every correction is in the answer, none is left.
    const now = await explain(id, at, t.adminKey, { knownAt: iso(await stamp()) });
    expect(valueOf(now, 'difficulty').trait.value).toBe('easy');
    expect(now.corrections.nodes).toEqual([]);
    // Before anything about the identity was recorded, it was not known.
    expect(await explain(id, at, t.adminKey, { knownAt: iso(beforeAny) })).toBeNull();
  });

  it('answers null for an identity not known then, and refuses bad input naming the field', async () => {
    expect(
      await explain({ type: 'user_id', value: `nobody-${randomUUID()}` }, await stamp()),
    ).toBeNull();
    const id: Id = { type: 'user_id', value: '7' };
    const at = iso(await stamp());
    const bad = async (vars: Record<string, unknown>) =>
      (await gql<any>(t.url, EXPLAIN, { id, at, ...vars }, t.adminKey)).errors?.[0];
    expect(await bad({ after: 'not-a-cursor' })).toMatchObject({
      message: 'after: not a cursor of this list',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(await bad({ first: 501 })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(await bad({ at: iso(new Date(Date.now() + hours(1))) })).toMatchObject({
      message: 'at: must not be in the future',
    });
    expect(await bad({ knownAt: iso(new Date(Date.now() + hours(1))) })).toMatchObject({
      message: 'knownAt: must not be in the future',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const anonymous = await gql<any>(t.url, EXPLAIN, { id, at });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
