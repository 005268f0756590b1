import { randomUUID } from 'node:crypto';
import { ProfileCache } from '../src/profiles/cache/profile-cache.service';
import { insertTraitDefinitions, traitSpec } from './factories/trait-definition.factory';
import { gql } from './utils/graphql-request';
import { createKey } from './utils/keys';
import { sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';

jest.setTimeout(300_000);

const TRIES = Number(process.env.CACHE_TRIES ?? 1000);
const WRITE = `mutation W($input: WriteTraitsInput!) { writeTraits(input: $input) { revisions rejected { reason } } }`;

describe('hot profile cache', () => {
  let t: TestApp;
  let ingest: string;
  let reader: string;
  const level = traitSpec({ type: 'number' });

  beforeAll(async () => {
    t = await startTestApp({ profileCacheSize: 10_000 });
    await insertTraitDefinitions(t.db.url, t.db.schema, [level]);
    ingest = await createKey(t, 'traits:write');
    reader = await createKey(t, 'profile:read');
  });
  afterAll(() => t.close());

  const rest = async (identity: { type: string; value: string }) => {
    const res = await fetch(`${t.url}/v1/profiles/${identity.type}:${identity.value}/traits`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { traits: Record<string, unknown> }).traits[level.name];
  };
  const write = async (identity: { type: string; value: string }, value: number) => {
    const res = await gql<{ writeTraits: { revisions: number } }>(
      t.url,
      WRITE,
      { input: { rows: [{ identity, trait: level.name, value }] } },
      ingest,
    );
    expect(res.data?.writeTraits.revisions).toBe(1);
  };

  it('serves repeated reads from memory', async () => {
    expect(t.app.get(ProfileCache).enabled).toBe(true);
    const id = { type: 'user_id', value: randomUUID() };
    await write(id, 1);
    expect(await rest(id)).toBe(1);
    // Changed behind the feed's back: a cached read does not see it (only writes through the one
    // write path are changes).
    await sql(t, `UPDATE trait_value SET value = '99' WHERE value = '1'`);
    expect(await rest(id)).toBe(1);
  });

  it(`a read right after an acknowledged writeTraits returns the new value (${TRIES} of ${TRIES})`, async () => {
    const id = { type: 'user_id', value: randomUUID() };
    const graphqlRead = `query($id: IdentityInput!) { profile(identity: $id) { traits(names: ["${level.name}"]) { value } } }`;
    let fresh = 0;
    for (let i = 1; i <= TRIES; i++) {
      await write(id, i);
      const viaRest = await rest(id);
      const viaGraphql = await gql<{ profile: { traits: { value: number }[] } }>(
        t.url,
        graphqlRead,
        { id },
        reader,
      );
      if (viaRest === i && viaGraphql.data?.profile.traits[0].value === i) fresh += 1;
    }
    expect(fresh).toBe(TRIES);
  });
});
