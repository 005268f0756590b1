import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { NOTEBOOK_QUEUE } from '../src/sources/notebook/notebook.queue';
import {
  insertTraitDefinitions,
  traitSpec,
  uniqueName,
} from './factories/trait-definition.factory';
import { createWarehouse, Warehouse } from './utils/dbt-helpers';
import { gql } from './utils/graphql-request';
import { createKey } from './utils/keys';
import { startTestApp, TestApp } from './utils/test-app';

jest.setTimeout(90_000);

const TRIGGER = `mutation($s: String!, $w: Int!, $f: Boolean!) {
  triggerRun(source: $s, waitSeconds: $w, fullRefresh: $f) {
    kind source jobId finished run { sourceKind source status error counts { read changed } }
  } }`;

interface Triggered {
  kind: string;
  source: string;
  jobId: string;
  finished: boolean;
  run: {
    sourceKind: string;
    source: string;
    status: string;
    error: string | null;
    counts: { read: number; changed: number };
  } | null;
}

// triggerRun: one mutation for every runnable kind of source, by its key, its short name, or a
// trait it produces, waiting up to waitSeconds.
describe('triggerRun', () => {
  let t: TestApp;
  let wh: Warehouse;
  const model = `model.game.${uniqueName('stats')}`;
  const shortName = model.split('.').pop()!;
  const dbtTrait = uniqueName('level');
  const notebookTrait = uniqueName('score');
  const notebook = `notebooks/${uniqueName('missing')}.ipynb`;

  const trigger = (source: string, waitSeconds = 0, fullRefresh = false, key = t.adminKey) =>
    gql<{ triggerRun: Triggered }>(
      t.url,
      TRIGGER,
      { s: source, w: waitSeconds, f: fullRefresh },
      key,
    );

  beforeAll(async () => {
    t = await startTestApp();
    wh = await createWarehouse();
    await wh.query(
      `CREATE TABLE ${wh.schema}.stats (player_id text, level int, updated_at timestamptz)`,
    );
    await wh.query(
      `INSERT INTO ${wh.schema}.stats SELECT 'p' || i, i, now() FROM generate_series(1, 25) i`,
    );
    await insertTraitDefinitions(t.db.url, t.db.schema, [
      traitSpec({
        name: dbtTrait,
        type: 'number',
        column: 'level',
        source: {
          kind: 'dbt',
          model,
          relation: `${wh.schema}.stats`,
          identities: [{ column: 'player_id', type: 'user_id' }],
          cursor: 'updated_at',
        },
      }),
      traitSpec({
        name: notebookTrait,
        type: 'number',
        column: 'score',
        source: {
          kind: 'notebook',
          notebook,
          timeout: '1m',
          output: { format: 'csv', identity: { column: 'user_id', type: 'user_id' } },
        },
      }),
    ]);
  });

  afterAll(async () => {
    if (!t) return;
    await t.app.get<Queue>(getQueueToken(NOTEBOOK_QUEUE)).obliterate({ force: true });
    await t.close();
    await wh?.close();
  });

  it('runs a dbt source named by a trait it feeds and returns the finished run', async () => {
    const res = await trigger(dbtTrait, 60);
    expect(res.errors).toBeUndefined();
    expect(res.data!.triggerRun).toMatchObject({
      kind: 'dbt',
      source: model,
      finished: true,
      run: {
        sourceKind: 'dbt',
        source: model,
        status: 'succeeded',
        counts: { read: 25, changed: 25 },
      },
    });
  });

  it('runs a dbt source by its model name, full refresh on demand; without waiting it returns once queued', async () => {
    const queued = await trigger(shortName, 0, true);
    expect(queued.errors).toBeUndefined();
    expect(queued.data!.triggerRun).toMatchObject({
      kind: 'dbt',
      source: model,
      finished: false,
      run: null,
    });
    expect(queued.data!.triggerRun.jobId).not.toBe('');
  });

  it('runs a notebook source; its failed run comes back with the reason', async () => {
    const res = await trigger(notebook, 60);
    expect(res.errors).toBeUndefined();
    expect(res.data!.triggerRun).toMatchObject({
      kind: 'notebook',
      source: notebook,
      finished: true,
      run: { status: 'failed', error: `notebook: cannot read ${notebook}` },
    });
  });

  it('names the rule for an unknown source and refuses keys without admin', async () => {
    const unknown = await trigger('no_such_source');
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(unknown.errors?.[0]?.message).toContain(
      'source: no_such_source is no dbt, notebook, audience source',
    );
    const tooLong = await trigger(dbtTrait, 301);
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const reader = await createKey(t, 'profile:read');
    expect((await trigger(dbtTrait, 0, false, reader)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
  });
});
