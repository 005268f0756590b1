import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { IdentityResolver } from '../src/identity/resolve/identity-resolver.service';
import { ChangeHub } from '../src/realtime/change-hub.service';
import type { TraitSpec } from '../src/trait-definitions/trait-spec';
import { TraitWriter } from '../src/traits/trait-writer.service';
import { waitForFullRuns } from './audiences/audience-helpers';
import { insertTraitDefinitions, traitSpec } from './factories/trait-definition.factory';
import { createWarehouse, Warehouse } from './utils/dbt-helpers';
import { TEST_REDIS_URL } from './utils/env';
import { gql } from './utils/graphql-request';
import { createKey } from './utils/keys';
import { ServerProcess, startWorkerProcess } from './utils/server-process';
import { sql } from './utils/sql';
import { Received, subscribe, wsClient } from './utils/subscriptions';
import { startTestApp, TestApp } from './utils/test-app';
import { waitFor } from './utils/wait';

jest.setTimeout(120_000);

const MODEL = 'model.game.player_levels';

// This process serves the API only; a worker-only process of the same deployment runs the dbt
// sync and the audience evaluation. What they write reaches the subscriber through the feed.
describe('profileChanged: values written by a separate worker process', () => {
  let t: TestApp;
  let wh: Warehouse;
  let worker: ServerProcess;
  let readKey: string;
  const client = () => wsClient(t.url, readKey);
  const clients: ReturnType<typeof wsClient>[] = [];
  const spend = traitSpec({ type: 'number' });
  let level: TraitSpec;

  beforeAll(async () => {
    t = await startTestApp({ role: 'api' });
    wh = await createWarehouse();
    await wh.query(
      `CREATE TABLE ${wh.schema}.levels (player_id text, level int, updated_at timestamptz)`,
    );
    level = traitSpec({
      type: 'number',
      column: 'level',
      source: {
        kind: 'dbt',
        model: MODEL,
        relation: `${wh.schema}.levels`,
        cursor: 'updated_at',
        identities: [{ column: 'player_id', type: 'user_id' }],
      },
    });
    await insertTraitDefinitions(t.db.url, t.db.schema, [level, spend]);
    readKey = await createKey(t, 'profile:read');
    worker = await startWorkerProcess(t.db);
    // A durable consumer seen for the first time starts with what commits after its cursor is made
    // (docs/change-feed.md): the writes below come after the worker's audience consumer exists.
    await waitFor(
      "the worker's audience consumer",
      async () => (await sql(t, "SELECT 1 FROM feed_consumer WHERE name = 'audiences'")).length > 0,
    );
  });

  afterAll(async () => {
    await Promise.all(
      clients.map(async (c) => {
        await c.dispose();
      }),
    );
    await worker?.stop();
    await t?.close();
    await wh?.close();
  });

  const subscribed = async (identity: { type: string; value: string }) => {
    const c = client();
    clients.push(c);
    const before = t.app.get(ChangeHub).subscribers;
    const s = subscribe(c, { identity });
    await waitFor(
      'the subscription',
      () => t.app.get(ChangeHub).subscribers > before || s.errors.length > 0,
      {
        everyMs: 20,
      },
    );
    expect(s.errors).toEqual([]);
    return s;
  };

  it('a dbt sync in the worker reaches the subscriber within 100 ms of its commit, with provenance', async () => {
    const player = `p-${randomUUID()}`;
    const identity = { type: 'user_id', value: player };
    const { profileId } = await t.app.get(IdentityResolver).observe([identity], { kind: 'api' });
    const s = await subscribed(identity);
    await wh.query(`INSERT INTO ${wh.schema}.levels VALUES ($1, 7, now())`, [player]);
    // The worker publishes each batch on the feed channel right after its COMMIT: a raw Redis
    // subscriber here notes when that happened.
    const raw = new Redis(TEST_REDIS_URL);
    let committedAt = 0;
    raw.on('message', (_c, m: string) => {
      if (!committedAt && m.includes(profileId!)) committedAt = Date.now();
    });
    await raw.subscribe(`traitbase:${t.db.schema}:feed`);

    const res = await gql<{ triggerRun: { jobId: string } }>(
      t.url,
      `mutation($s: String!) { triggerRun(source: $s, waitSeconds: 0) { jobId } }`,
      { s: MODEL },
      t.adminKey,
    );
    expect(res.errors).toBeUndefined();
    const got: Received = await waitFor('the pushed value', () => s.received[0], {
      everyMs: 5,
      timeoutMs: 60_000,
    });
    const [change] = got.message.changes;
    expect(change).toMatchObject({
      kind: 'trait',
      name: level.name,
      before: null,
      after: 7,
      provenance: { sourceKind: 'dbt', definitionVersion: 1 },
    });
    expect(change.provenance!.runId).toEqual(expect.any(String));
    expect(change.provenance!.sourceRef).toMatchObject({ uniqueId: MODEL });
    raw.disconnect();
    const latency = got.receivedAt - committedAt;
    process.stdout.write(
      `worker commit → subscriber: ${latency} ms (${got.receivedAt - Date.parse(change.at)} ms after the transaction began)\n`,
    );
    expect(committedAt).toBeGreaterThan(0);
    expect(latency).toBeLessThan(100);
    s.stop();
  });

  it('pushes audience entry and exit, evaluated by the worker from the feed', async () => {
    const slug = `spenders_${randomUUID().slice(0, 8)}`;
    const saved = await gql(
      t.url,
      `mutation S($input: SaveAudienceInput!) { saveAudience(input: $input) { slug } }`,
      { input: { slug, name: 'Spenders', rule: { trait: spend.name, op: 'gt', value: 50 } } },
      t.adminKey,
    );
    expect(saved.errors).toBeUndefined();
    // Changes are evaluated incrementally once the audience's first full evaluation is done.
    await waitForFullRuns(t, slug);
    const identity = { type: 'user_id', value: randomUUID() };
    const writer = t.app.get(TraitWriter);
    const put = (value: number) =>
      writer.write({
        rows: [{ identity, trait: spend.name, value }],
        provenance: { sourceKind: 'api', sourceRef: { keyId: 'test' }, runId: null },
      });
    await put(1);
    const s = await subscribed(identity);
    const membership = () =>
      s.received.flatMap((r) => r.message.changes).filter((c) => c.name === `audience:${slug}`);

    await put(80);
    let entered;
    try {
      entered = await waitFor('the entry', () => membership()[0], {
        timeoutMs: 20_000,
        everyMs: 20,
      });
    } catch (err) {
      const r = await sql(
        t,
        'SELECT profile_id, kind, name, after, position, xid FROM change_feed ORDER BY position DESC LIMIT 8',
      );
      const c = await sql(t, 'SELECT * FROM feed_consumer');
      const runs = await sql(
        t,
        "SELECT status, metadata, rows_read, rows_changed, rows_rejected, started_at, finished_at FROM run WHERE source_kind = 'audience'",
      );
      const defs = await sql(
        t,
        "SELECT name, created_at FROM trait_definition WHERE name LIKE 'audience:%'",
      );
      process.stdout.write(`RUNS ${JSON.stringify(runs)} DEFS ${JSON.stringify(defs)}\n`);
      process.stdout.write(
        `FEED ${JSON.stringify(r)} CONSUMERS ${JSON.stringify(c)} RECEIVED ${JSON.stringify(s.received)} SUBS ${t.app.get(ChangeHub).subscribers}\n`,
      );
      throw err;
    }
    expect(entered).toMatchObject({
      kind: 'audience',
      after: true,
      provenance: { sourceKind: 'audience' },
    });
    await put(10);
    const exited = await waitFor('the exit', () => membership()[1], {
      timeoutMs: 60_000,
      everyMs: 20,
    });
    expect(exited).toMatchObject({ kind: 'audience', before: true, after: false });
    s.stop();
  });
});
