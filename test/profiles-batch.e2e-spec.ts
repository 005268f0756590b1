import { randomUUID } from 'node:crypto';
import { TraitWriter } from '../src/traits/trait-writer.service';
import { insertTraitDefinitions, traitSpec } from './factories/trait-definition.factory';
import { gql } from './utils/graphql-request';
import { createKey } from './utils/keys';
import { startTestApp, TestApp } from './utils/test-app';

const QUERY = `query($ids: [IdentityInput!]!) { profiles(identities: $ids) { id traits { name value } } }`;

describe('profiles(identities) batch lookup', () => {
  let t: TestApp;
  let reader: string;
  const level = traitSpec({ type: 'number' });
  const email = traitSpec({ type: 'string', pii: true, exposure: ['profile:read:pii', 'admin'] });

  beforeAll(async () => {
    t = await startTestApp();
    await insertTraitDefinitions(t.db.url, t.db.schema, [level, email]);
    reader = await createKey(t, 'profile:read');
  });
  afterAll(() => t.close());

  it('answers in the order asked, null for unknown identities, masked by scope', async () => {
    const ids = Array.from({ length: 3 }, () => ({ type: 'user_id', value: randomUUID() }));
    const { profiles } = await t.app.get(TraitWriter).write({
      rows: [ids[0], ids[2]].flatMap((identity, i) => [
        { identity, trait: level.name, value: i + 1 },
        { identity, trait: email.name, value: `p${i}@example.org` },
      ]),
      provenance: { sourceKind: 'api', sourceRef: {}, runId: null },
    });
    const res = await gql<{
      profiles: ({ id: string; traits: { name: string; value: unknown }[] } | null)[];
    }>(t.url, QUERY, { ids }, reader);
    expect(res.errors).toBeUndefined();
    const [a, none, c] = res.data!.profiles;
    expect(none).toBeNull();
    expect(new Set([a!.id, c!.id])).toEqual(new Set(profiles.map((p) => p.profileId)));
    expect(a!.traits).toEqual([{ name: level.name, value: 1 }]);
    expect(c!.traits).toEqual([{ name: level.name, value: 2 }]);
  });

  it('refuses more than 100 identities and a bad one, naming the field', async () => {
    const many = Array.from({ length: 101 }, () => ({ type: 'user_id', value: randomUUID() }));
    const tooMany = await gql(t.url, QUERY, { ids: many }, reader);
    expect(tooMany.errors?.[0]).toMatchObject({
      message: 'identities: at most 100 per call',
      extensions: {
        code: 'BAD_USER_INPUT',
        details: { identities: 'at most 100 per call, got 101' },
      },
    });
    const hundred = await gql(t.url, QUERY, { ids: many.slice(0, 100) }, reader);
    expect(hundred.errors).toBeUndefined();
    const bad = await gql(
      t.url,
      QUERY,
      { ids: [many[0], { type: 'Not-A-Type', value: 'x' }] },
      reader,
    );
    expect(JSON.stringify(bad.errors)).toContain('identities');
    const anonymous = await gql(t.url, QUERY, { ids: [many[0]] });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
