import { randomUUID } from 'node:crypto';
import { identifyMessage, post, waitForInboxDrained } from '../factories/event.factory';
import { insertTraitDefinitions, traitSpec } from '../factories/trait-definition.factory';
import { createWarehouse, RunRow, waitForRun, Warehouse } from '../utils/dbt-helpers';
import { gql } from '../utils/graphql-request';
import { createKey } from '../utils/keys';
import { columnsHolding } from '../utils/person-search';
import { count, sql } from '../utils/sql';
import { startTestApp, TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait';

jest.setTimeout(120_000);

const ERASE = `mutation E($id: IdentityInput!) { eraseProfile(identity: $id) { id status } }`;
const STATUS = `query S($id: ID!) { erasure(id: $id) { status } }`;

// Erase a person, then run again every source that fed them: the dbt model that holds their row
// (incremental and full refresh) and the identify event that linked their ids. The suppression list
// keeps them out: no identity, no profile, no value is created again.
describe('erasure, then the same sources again', () => {
  let t: TestApp;
  let wh: Warehouse;
  let ingest: string;
  const model = `model.game.players_${randomUUID().slice(0, 8)}`;
  const q = (text: string, params: unknown[]) => sql(t, text, params);

  async function syncNow(fullRefresh: boolean): Promise<RunRow> {
    const started = new Date();
    const res = await gql<{ triggerDbtSync: { source: string } }>(
      t.url,
      `mutation($m: String!, $f: Boolean!) { triggerDbtSync(model: $m, fullRefresh: $f) { source } }`,
      { m: model, f: fullRefresh },
      t.adminKey,
    );
    expect(res.errors).toBeUndefined();
    return waitForRun(q, res.data!.triggerDbtSync.source, started, 100_000);
  }

  beforeAll(async () => {
    t = await startTestApp();
    wh = await createWarehouse();
    ingest = await createKey(t, 'ingest');
    await wh.query(
      `CREATE TABLE ${wh.schema}.players (player_id text, email text, ltv numeric, updated_at timestamptz)`,
    );
    await insertTraitDefinitions(t.db.url, t.db.schema, [
      traitSpec({
        name: 'ltv',
        column: 'ltv',
        source: {
          kind: 'dbt',
          model,
          relation: `${wh.schema}.players`,
          cursor: 'updated_at',
          identities: [
            { column: 'player_id', type: 'user_id' },
            { column: 'email', type: 'email' },
          ],
        },
      }),
    ]);
  });
  afterAll(async () => {
    await wh?.close();
    await t?.close();
  });

  it('keeps an erased person out of dbt re-syncs and replayed identify events', async () => {
    const erased = {
      userId: `player-${randomUUID()}`,
      email: `gone.${randomUUID().slice(0, 8)}@example.com`,
    };
    const kept = {
      userId: `player-${randomUUID()}`,
      email: `kept.${randomUUID().slice(0, 8)}@example.com`,
    };
    const insert = (p: { userId: string; email: string }, ltv: number) =>
      wh.query(`INSERT INTO ${wh.schema}.players VALUES ($1, $2, $3, now())`, [
        p.userId,
        p.email,
        ltv,
      ]);
    await insert(erased, 10);
    await insert(kept, 20);
    expect((await syncNow(false)).status).toBe('succeeded');
    const identify = identifyMessage({ userId: erased.userId, traits: { email: erased.email } });
    expect((await post(t, '/v1/identify', identify, ingest)).status).toBe(200);
    await waitForInboxDrained(t);
    const stored = (v: string) =>
      count(t, `SELECT count(*) AS n FROM identity WHERE value = $1`, [v]);
    expect(await stored(erased.email.toLowerCase())).toBe(1);

    const started = await gql<any>(
      t.url,
      ERASE,
      { id: { type: 'user_id', value: erased.userId } },
      t.adminKey,
    );
    expect(started.errors).toBeUndefined();
    await waitFor('the erasure', async () => {
      const s = await gql<any>(t.url, STATUS, { id: started.data.eraseProfile.id }, t.adminKey);
      return s.data?.erasure.status === 'done';
    });

    // The warehouse still holds the row, newer than the high-water mark: an incremental sync reads it.
    await wh.query(`UPDATE ${wh.schema}.players SET updated_at = now(), ltv = ltv + 1`);
    const incremental = await syncNow(false);
    expect(incremental.status).toBe('succeeded');
    expect(incremental.rows_read).toBe(2);
    const full = await syncNow(true);
    expect(full.status).toBe('succeeded');
    // The same identify again (a new message id), and one that links the erased email to a new id.
    const replays = [
      { ...identify, messageId: randomUUID() },
      identifyMessage({ userId: `player-${randomUUID()}`, traits: { email: erased.email } }),
    ];
    for (const m of replays) expect((await post(t, '/v1/identify', m, ingest)).status).toBe(200);
    await waitForInboxDrained(t);

    expect(await stored(erased.userId)).toBe(0);
    expect(await stored(erased.email.toLowerCase())).toBe(0);
    const lookup = await gql<any>(
      t.url,
      `query P($id: IdentityInput!) { profile(identity: $id) { id } }`,
      { id: { type: 'email', value: erased.email } },
      t.adminKey,
    );
    expect(lookup.data.profile).toBeNull();
    // The other player is synced as before.
    expect(await stored(kept.userId)).toBe(1);
    expect(
      await count(
        t,
        `SELECT count(*) AS n FROM trait_value tv JOIN identity i ON i.profile_id = tv.profile_id WHERE i.value = $1`,
        [kept.userId],
      ),
    ).toBe(1);
    expect(
      await columnsHolding(t, [erased.userId, erased.email, erased.email.toLowerCase()]),
    ).toEqual([]);
  });
});
