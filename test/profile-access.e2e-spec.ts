import { randomUUID } from 'node:crypto';
import { TraitWriter } from '../src/traits/trait-writer.service';
import { insertTraitDefinitions, traitSpec } from './factories/trait-definition.factory';
import { gql } from './utils/graphql-request';
import { createKey } from './utils/keys';
import { startTestApp, TestApp } from './utils/test-app';

const TRAITS = `query P($id: IdentityInput!) { profile(identity: $id) { id traits { name value } } }`;
const ONE = `query P($id: IdentityInput!, $name: String!) { profile(identity: $id) { trait(name: $name) { value } } }`;
const WRITE = `mutation W($input: WriteTraitsInput!) { writeTraits(input: $input) { revisions } }`;

describe('profile access by key scope', () => {
  let t: TestApp;
  const user = { type: 'user_id', value: randomUUID() };
  const level = traitSpec({ type: 'number' });
  const email = traitSpec({ type: 'string', pii: true });
  const adminOnly = traitSpec({ type: 'string', exposure: ['admin'] });
  const stale = traitSpec({ type: 'number', freshness: '1h' });
  let readKey: string;
  let piiKey: string;

  beforeAll(async () => {
    t = await startTestApp();
    await insertTraitDefinitions(t.db.url, t.db.schema, [level, email, adminOnly, stale]);
    await t.app.get(TraitWriter).write({
      provenance: { sourceKind: 'api', sourceRef: {}, runId: 'seed' },
      rows: [
        { identity: user, trait: level.name, value: 7 },
        { identity: user, trait: email.name, value: 'ana@example.com' },
        { identity: user, trait: adminOnly.name, value: 'internal' },
        { identity: user, trait: stale.name, value: 1, observedAt: new Date(Date.now() - 2 * 3600_000) },
      ],
    });
    readKey = await createKey(t, 'profile:read');
    piiKey = await createKey(t, 'profile:read:pii');
  });
  afterAll(() => t.close());

  const rest = (path: string, key?: string) =>
    fetch(`${t.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });

  it('hides PII traits from a profile:read key on GraphQL and REST', async () => {
    const res = await gql<any>(t.url, TRAITS, { id: user }, readKey);
    expect(res.data.profile.traits.map((x: { name: string }) => x.name).sort()).toEqual([level.name, stale.name].sort());
    const one = await gql<any>(t.url, ONE, { id: user, name: email.name }, readKey);
    expect(one.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(one)).not.toContain('ana@example.com');

    const body = await (await rest(`/v1/profiles/user_id:${user.value}/traits?include=${email.name},${level.name}`, readKey)).json();
    expect(body).toEqual({ traits: { [level.name]: 7 } });
  });

  it('serves each key, one after the other from the same cached profile, only what its scopes allow', async () => {
    const path = `/v1/profiles/user_id:${user.value}/traits`;
    for (let i = 0; i < 2; i++) {
      const read = await (await rest(path, readKey)).json();
      expect(read).toEqual({ traits: { [level.name]: 7, [stale.name]: 1 } });
      const pii = await (await rest(path, piiKey)).json();
      expect(pii).toEqual({ traits: { [email.name]: 'ana@example.com', [level.name]: 7, [stale.name]: 1 } });
      const admin: any = await (await rest(path, t.adminKey)).json();
      expect(Object.keys(admin.traits).sort()).toEqual([adminOnly.name, email.name, level.name, stale.name].sort());
      const verbose: any = await (await rest(`${path}?verbose=true`, readKey)).json();
      expect(verbose.traits[stale.name].status).toBe('stale');
      expect(JSON.stringify(verbose)).not.toContain('ana@example.com');
    }
  });

  it('shows PII to a profile:read:pii key but never a trait outside its exposure', async () => {
    const res = await gql<any>(t.url, TRAITS, { id: user }, piiKey);
    const names = res.data.profile.traits.map((x: { name: string }) => x.name);
    expect(names).toContain(email.name);
    expect(names).not.toContain(adminOnly.name);
    const admin = await gql<any>(t.url, TRAITS, { id: user }, t.adminKey);
    expect(admin.data.profile.traits.map((x: { name: string }) => x.name)).toContain(adminOnly.name);
  });

  it('answers 401 without a key or with an unknown one, 403 on writeTraits without ingest', async () => {
    const none = await gql(t.url, TRAITS, { id: user });
    expect(none.status).toBe(401);
    expect(none.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const bogus = await gql(t.url, TRAITS, { id: user }, 'tb_0123456789_notarealsecretnotarealsecret12');
    expect(bogus.status).toBe(401);
    expect((await rest(`/v1/profiles/user_id:${user.value}/traits`)).status).toBe(401);

    const write = await gql(t.url, WRITE, { input: { rows: [{ identity: user, trait: level.name, value: 8 }] } }, readKey);
    expect(write.status).toBe(403);
    expect(write.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const after = await gql<any>(t.url, ONE, { id: user, name: level.name }, readKey);
    expect(after.data.profile.trait.value).toBe(7);
  });

  it('accepts HTTP Basic with the key as username and an empty password', async () => {
    const basic = Buffer.from(`${readKey}:`).toString('base64');
    const res = await fetch(`${t.url}/v1/profiles/user_id:${user.value}/traits?verbose=true`, {
      headers: { authorization: `Basic ${basic}` },
    });
    expect(res.status).toBe(200);
    const body: any = await res.json();
    expect(body.traits[level.name]).toMatchObject({ value: 7, status: 'present', provenance: { sourceKind: 'api', runId: 'seed' } });
    expect(body.traits[stale.name].status).toBe('stale');
  });

  it('stops accepting a revoked key', async () => {
    const { ApiKeysService } = await import('../src/api-keys/api-keys.service');
    const svc = t.app.get(ApiKeysService);
    const created = await svc.create('short-lived', ['profile:read']);
    expect((await rest(`/v1/profiles/user_id:${user.value}/traits`, created.key)).status).toBe(200);
    expect(await svc.revoke(created.id)).toBe(true);
    expect((await rest(`/v1/profiles/user_id:${user.value}/traits`, created.key)).status).toBe(401);
  });

  it('says clearly what is wrong with a bad identity or unknown profile', async () => {
    const bad = await rest('/v1/profiles/nocolon/traits', readKey);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.message).toMatch(/identity: must be written \{type\}:\{value\}/);
    const unknown = await rest(`/v1/profiles/user_id:${randomUUID()}/traits`, readKey);
    expect(unknown.status).toBe(404);
    const badInclude = await rest(`/v1/profiles/user_id:${user.value}/traits?include=DROP TABLE`, readKey);
    expect(badInclude.status).toBe(400);
    expect(((await badInclude.json()) as any).error).toMatchObject({
      code: 'INVALID_INPUT',
      details: { include: 'include must be a comma-separated list of trait names' },
    });
    const unknownParam = await rest(`/v1/profiles/user_id:${user.value}/traits?debug=1`, readKey);
    expect(unknownParam.status).toBe(400);
    expect(((await unknownParam.json()) as any).error).toMatchObject({
      code: 'INVALID_INPUT',
      details: { debug: 'property debug should not exist' },
    });
    const missing = await gql<any>(t.url, `{ profile(identity: {type: "user_id", value: "${randomUUID()}"}) { id } }`, {}, readKey);
    expect(missing.data.profile).toBeNull();
  });

  it('rejects an operation selecting too many fields', async () => {
    const fields = Array.from({ length: 2100 }, (_, i) => `a${i}: id`).join(' ');
    const wide = await gql(t.url, `{ profile(identity: {type: "user_id", value: "x"}) { ${fields} } }`, {}, readKey);
    expect(wide.status).toBe(400);
    expect(wide.errors?.[0].message).toMatch(/too complex/);
  });
});
