import { randomUUID } from 'node:crypto';
import { insertTraitDefinitions, traitSpec } from '../factories/trait-definition.factory';
import { gql } from '../utils/graphql-request';
import { createKey } from '../utils/keys';
import { sql } from '../utils/sql';
import { startTestApp, TestApp } from '../utils/test-app';

const INJECTIONS = [
  "' OR '1'='1",
  '"; DROP TABLE identity; --',
  '1); SELECT pg_sleep(5); --',
  '$1',
  '\\',
  '%_%',
];
const LEAKS = /at \w+ \(|node_modules|SELECT |INSERT |syntax error|QueryFailedError|stack/i;

// OWASP API Security Top 10 (2023), the parts reachable over the public APIs: each attack is
// refused with the right status and a clear message, and no answer leaks internals.
describe('attack suite', () => {
  let t: TestApp;
  let reader: string;
  let ingest: string;
  let writer: string;

  beforeAll(async () => {
    t = await startTestApp();
    reader = await createKey(t, 'profile:read');
    ingest = await createKey(t, 'ingest');
    writer = await createKey(t, 'traits:write');
  });
  afterAll(() => t.close());

  it('API1/API5 broken authorisation: a key of one scope cannot reach another scope', async () => {
    const cases: [string, string][] = [
      [ingest, '{ profile(identity: {type: "user_id", value: "1"}) { id } }'],
      [
        reader,
        'mutation { writeTraits(input: {rows: [{identity: {type: "user_id", value: "1"}, trait: "x", value: 1}]}) { accepted } }',
      ],
      [reader, 'mutation { eraseProfile(identity: {type: "user_id", value: "1"}) { id } }'],
      [reader, '{ invalidEvents { id } }'],
    ];
    for (const [key, query] of cases) {
      const res = await gql(t.url, query, {}, key);
      expect(res.status).toBe(403);
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    const del = await fetch(`${t.url}/v1/profiles/user_id:1`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ingest}` },
    });
    expect(del.status).toBe(403);
  });

  it('API3 mass assignment: unknown input fields are refused', async () => {
    const res = await gql(
      t.url,
      'mutation { writeTraits(input: {rows: [], isAdmin: true}) { accepted } }',
      {},
      t.adminKey,
    );
    expect(res.status).toBe(400);
    expect(res.errors?.[0].message).toMatch(/isAdmin/);
    const rest = await fetch(`${t.url}/v1/profiles/user_id:1/traits?admin=true`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(rest.status).toBe(400);
  });

  it('API4 resource consumption: GraphQL depth, aliases, batching and field count are bounded', async () => {
    // The schema's object types have no cycle; introspection's `ofType` does, so it builds any depth.
    const ofTypes = (n: number) =>
      `{ __type(name: "Profile") { fields { type { ${'ofType { '.repeat(n)}name${' }'.repeat(n)} } } } }`;
    const atLimit = await gql<any>(t.url, ofTypes(6), {}, reader);
    expect(atLimit.status).toBe(200);
    expect(atLimit.errors).toBeUndefined();
    for (const [n, depth] of [
      [7, 11],
      [200, 204],
    ]) {
      const deep = await gql(t.url, ofTypes(n), {}, reader);
      expect(deep.status).toBe(400);
      expect(deep.data).toBeNull();
      expect(deep.errors).toEqual([
        {
          message: `\`unnamedQuery query depth (${depth}) exceeds the query depth limit of 10\``,
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ]);
    }
    const aliases = Array.from({ length: 3000 }, (_, i) => `a${i}: viewer { name }`).join(' ');
    const wide = await gql(t.url, `{ ${aliases} }`, {}, reader);
    expect(wide.status).toBe(400);
    expect(wide.errors?.[0].message).toMatch(/too complex/);
    const batch = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${reader}` },
      body: JSON.stringify(Array.from({ length: 100 }, () => ({ query: '{ viewer { name } }' }))),
    });
    expect(batch.status).toBe(400);
    expect(await batch.text()).not.toMatch(LEAKS);
  });

  it('API8 injection: SQL strings in identity values, types and trait names are data, never SQL; errors leak nothing', async () => {
    // A real profile, so trait names and include lists reach the queries that read its values.
    const level = traitSpec({ type: 'number' });
    await insertTraitDefinitions(t.db.url, t.db.schema, [level]);
    const known = { type: 'user_id', value: `known-${randomUUID()}` };
    const written = await gql<any>(
      t.url,
      'mutation W($input: WriteTraitsInput!) { writeTraits(input: $input) { accepted } }',
      { input: { rows: [{ identity: known, trait: level.name, value: 1 }] } },
      writer,
    );
    expect(written.data?.writeTraits.accepted).toBe(1);
    const restGet = async (path: string) => {
      const res = await fetch(`${t.url}${path}`, {
        headers: { authorization: `Bearer ${reader}` },
      });
      return { status: res.status, body: await res.json() };
    };
    for (const s of INJECTIONS) {
      const byValue = await gql<any>(
        t.url,
        'query P($v: String!) { profile(identity: {type: "user_id", value: $v}) { id } }',
        { v: s },
        reader,
      );
      expect(byValue).toEqual({ status: 200, data: { profile: null } });

      const byType = await gql<any>(
        t.url,
        'query P($v: String!) { profile(identity: {type: $v, value: "1"}) { id } }',
        { v: s },
        reader,
      );
      expect(byType).toMatchObject({ status: 200, data: { profile: null } });
      expect(byType.errors).toEqual([
        expect.objectContaining({
          message: 'identity.type: type must be a snake_case identity type',
          extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
        }),
      ]);

      const trait = await gql<any>(
        t.url,
        'query T($id: IdentityInput!, $n: String!) { profile(identity: $id) { trait(name: $n) { value } } }',
        { id: known, n: s },
        reader,
      );
      // The exact answers below echo the input as data and nothing else (no SQL, no stack).
      expect(trait).toMatchObject({ status: 200, data: { profile: null } });
      expect(trait.errors).toEqual([
        expect.objectContaining({
          message: `trait ${s} is not defined`,
          extensions: { code: 'NOT_FOUND' },
        }),
      ]);

      expect(await restGet(`/v1/profiles/user_id:${encodeURIComponent(s)}/traits`)).toEqual({
        status: 404,
        body: {
          error: { code: 'PROFILE_NOT_FOUND', message: `no profile has the identity user_id:${s}` },
        },
      });
      expect(
        await restGet(
          `/v1/profiles/user_id:${encodeURIComponent(known.value)}/traits?include=${encodeURIComponent(s)}`,
        ),
      ).toEqual({
        status: 400,
        body: {
          error: {
            code: 'INVALID_INPUT',
            message: 'include: include must be a comma-separated list of trait names',
            details: { include: 'include must be a comma-separated list of trait names' },
          },
        },
      });
    }
    const [{ n }] = await sql<{ n: number }>(t, `SELECT count(*)::int AS n FROM identity`);
    expect(n).toBe(1);
  });
});
