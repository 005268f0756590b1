import { gql } from '../utils/graphql-request';
import { createKey } from '../utils/keys';
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

  beforeAll(async () => {
    t = await startTestApp();
    reader = await createKey(t, 'profile:read');
    ingest = await createKey(t, 'ingest');
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
    const deep = `{ profile(identity: {type: "user_id", value: "1"}) { ${'merges { identities { type } '.repeat(1)} } }`;
    expect((await gql(t.url, deep, {}, reader)).status).toBeLessThan(500);
    const nested = `{ traitDefinitions { ${'versions { '.repeat(12)}version${' }'.repeat(12)} } }`;
    const tooDeep = await gql(t.url, nested, {}, reader);
    expect(tooDeep.status).toBe(400);
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

  it('API8 injection: SQL strings in identity values and trait names are data, never SQL; errors leak nothing', async () => {
    for (const s of INJECTIONS) {
      const res = await gql<any>(
        t.url,
        'query P($v: String!) { profile(identity: {type: "user_id", value: $v}) { id } }',
        { v: s },
        reader,
      );
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(res)).not.toMatch(LEAKS);
      const trait = await gql<any>(
        t.url,
        'query T($n: String!) { profile(identity: {type: "user_id", value: "1"}) { trait(name: $n) { value } } }',
        { n: s },
        reader,
      );
      expect(trait.status).toBeLessThan(500);
      const rest = await fetch(
        `${t.url}/v1/profiles/user_id:${encodeURIComponent(s)}/traits?include=${encodeURIComponent(s)}`,
        { headers: { authorization: `Bearer ${reader}` } },
      );
      expect(rest.status).toBeLessThan(500);
      expect(await rest.text()).not.toMatch(LEAKS);
    }
    const [{ n }] = await t.app
      .get((await import('typeorm')).DataSource)
      .query(`SELECT count(*)::int AS n FROM identity`);
    expect(n).toBe(0);
  });
});
