import { randomUUID } from 'node:crypto';
import {
  ERASURE_COVERAGE,
  PERSON_COLUMN,
  PERSON_COLUMN_IN,
} from '../../src/erasure/erasure-coverage';
import { post, trackMessage, waitForInboxDrained } from '../factories/event.factory';
import { insertTraitDefinitions, traitSpec } from '../factories/trait-definition.factory';
import { gql } from '../utils/graphql-request';
import { createKey } from '../utils/keys';
import { columnsHolding } from '../utils/person-search';
import { sql } from '../utils/sql';
import { startTestApp, TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait';

const WRITE = `mutation W($input: WriteTraitsInput!) { writeTraits(input: $input) { accepted rejected { index reason } } }`;
const MERGE = `mutation M($into: IdentityInput!, $from: IdentityInput!) { mergeProfiles(into: $into, from: $from) { profileId } }`;
const ERASE = `mutation E($id: IdentityInput!) { eraseProfile(identity: $id) { id status } }`;
const STATUS = `query S($id: ID!) { erasure(id: $id) { id status counts finishedAt } }`;

describe('erasure', () => {
  let t: TestApp;
  let writer: string;
  let ingest: string;
  let reader: string;
  const level = traitSpec({ type: 'number' });

  beforeAll(async () => {
    t = await startTestApp();
    await insertTraitDefinitions(t.db.url, t.db.schema, [level]);
    writer = await createKey(t, 'traits:write');
    ingest = await createKey(t, 'ingest');
    reader = await createKey(t, 'profile:read');
  });
  afterAll(() => t.close());

  it('covers every table with a column that can hold a profile id or an identity value', async () => {
    const columns = await sql<{ table_name: string; column_name: string }>(
      t,
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN pg_class k ON k.relname = c.table_name AND k.relnamespace = to_regnamespace(c.table_schema)
       WHERE c.table_schema = $1 AND NOT k.relispartition`,
      [t.db.schema],
    );
    const holding = columns.filter(
      (c) =>
        PERSON_COLUMN.test(c.column_name) ||
        PERSON_COLUMN_IN[c.table_name]?.includes(c.column_name),
    );
    expect(holding.length).toBeGreaterThan(10);
    const covered = new Map(ERASURE_COVERAGE.map((s) => [s.table, s.columns]));
    const missing = holding
      .filter((c) => !covered.get(c.table_name)?.includes(c.column_name))
      .map((c) => `${c.table_name}.${c.column_name}`);
    // A new table holding a person must be listed in src/erasure/erasure-coverage.ts.
    expect(missing).toEqual([]);
  });

  const ask = async (query: string, variables: Record<string, unknown>, key = t.adminKey) => {
    const res = await gql<any>(t.url, query, variables, key);
    expect(res.errors).toBeUndefined();
    return res.data;
  };

  it('erases a person, keeps them out on replay, and leaves only hashes behind', async () => {
    const userId = `player-${randomUUID()}`;
    const email = `erase.${randomUUID().slice(0, 8)}@example.com`;
    const anon = `anon-${randomUUID()}`;
    const user = { type: 'user_id', value: userId };
    const writes = [
      { identity: user, trait: level.name, value: 5 },
      { identity: { type: 'email', value: email }, trait: level.name, value: 6 },
    ];
    expect((await ask(WRITE, { input: { rows: writes } }, writer)).writeTraits.accepted).toBe(2);
    await ask(MERGE, { into: user, from: { type: 'email', value: email } });
    const events = [
      trackMessage({ userId, anonymousId: anon }),
      trackMessage({ userId, event: 'Level Up' }),
    ];
    expect((await post(t, '/v1/batch', { batch: events }, ingest)).status).toBe(200);
    await post(t, '/v1/track', { event: 'Bad', properties: [], userId }, ingest);
    await waitForInboxDrained(t);

    // Only admin may erase.
    const denied = await fetch(`${t.url}/v1/profiles/user_id:${userId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(denied.status).toBe(403);

    const started = (await ask(ERASE, { id: user })).eraseProfile;
    expect(['running', 'done']).toContain(started.status);
    const done = await waitFor<any>('the erasure to finish', async () => {
      const s = (await ask(STATUS, { id: started.id })).erasure;
      return s.status === 'done' ? s : undefined;
    });
    expect(done.counts.identity).toBeGreaterThanOrEqual(3);
    expect(done.counts.trait_value).toBeGreaterThanOrEqual(1);
    expect(done.counts.events).toBe(2);

    const lookup = await fetch(`${t.url}/v1/profiles/user_id:${userId}/traits`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(lookup.status).toBe(404);
    expect(
      (
        await ask(`query P($id: IdentityInput!) { profile(identity: $id) { id } }`, {
          id: { type: 'email', value: email },
        })
      ).profile,
    ).toBeNull();

    // Replay the same writes and events: nothing about the person is stored again.
    const replay = (await ask(WRITE, { input: { rows: writes } }, writer)).writeTraits;
    expect(replay.accepted).toBe(0);
    expect(replay.rejected.map((r: { reason: string }) => r.reason)).toEqual([
      expect.stringContaining('erased'),
      expect.stringContaining('erased'),
    ]);
    const again = await post(
      t,
      '/v1/batch',
      { batch: events.map((e) => ({ ...e, messageId: randomUUID() })) },
      ingest,
    );
    expect(again.status).toBe(200);
    await waitForInboxDrained(t);

    // A database-wide search finds the identifiers nowhere.
    expect(await columnsHolding(t, [userId, email, anon])).toEqual([]);
    const [audit] = await sql<{ identifier_hash: string; requested_by: string }>(
      t,
      `SELECT identifier_hash, requested_by FROM erasure_request WHERE id = $1`,
      [started.id],
    );
    expect(audit.identifier_hash).toMatch(/^[0-9a-f]{64}$/);
    const suppressed = await sql(t, `SELECT hash FROM erasure_suppression`);
    expect(suppressed.length).toBeGreaterThanOrEqual(3);
    const feed = await sql<{ kind: string }>(
      t,
      `SELECT kind FROM change_feed WHERE kind = 'erase'`,
    );
    expect(feed).toHaveLength(1);
  });
});
