import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NotebookSchedules } from '../src/sources/notebook/notebook-schedules.service';
import { NOTEBOOK_QUEUE } from '../src/sources/notebook/notebook.queue';
import {
  insertTraitDefinitions,
  traitSpec,
  uniqueName,
} from './factories/trait-definition.factory';
import { gql } from './utils/graphql-request';
import { sql } from './utils/sql';
import { startRepoTestApp, TestApp } from './utils/test-app';
import { waitFor } from './utils/wait';

jest.setTimeout(90_000);

const REPO = resolve(__dirname, '..');
const NOTEBOOK = 'notebooks/churn_propensity.ipynb';

interface RunRow {
  id: string;
  status: string;
  error: string | null;
  rows_read: number;
  rows_changed: number;
  metadata: Record<string, unknown>;
}

const HISTORY = `query($id: IdentityInput!, $trait: String!) {
  profile(identity: $id) {
    trait(name: $trait) { value provenance { sourceKind sourceRef runId modelVersion observedAt } }
    history(trait: $trait, limit: 10) { value provenance { runId modelVersion } }
  }
}`;

describe('scheduled notebook runs (example churn notebook)', () => {
  let t: TestApp;
  const trait = uniqueName('churn');

  beforeAll(async () => {
    // A definitions folder that does not exist, beside the repository root: notebook paths resolve
    // against the repository, and no YAML from trait-definitions/ is applied to this schema.
    t = await startRepoTestApp();
    // 300 players: whole days since the last session (plus half a day, away from day borders),
    // outcome known for two thirds, churn more likely with fewer sessions and longer absence.
    await sql(
      t,
      `
      CREATE TABLE player_features AS
      SELECT 'p' || g AS user_id, (g * 7) % 23 AS sessions_30d, ((g * 13) % 17)::numeric / 2 AS purchases_30d,
             now() - make_interval(days => (g * 11) % 40, hours => 12) AS last_session_at,
             CASE WHEN g % 3 = 0 THEN NULL ELSE (g * 11) % 40 > 20 OR (g * 7) % 23 < 3 END AS churned
      FROM generate_series(1, 300) g`,
    );
    await insertTraitDefinitions(t.db.url, t.db.schema, [
      traitSpec({
        name: trait,
        column: 'score',
        owner: 'data-science',
        source: {
          kind: 'notebook',
          notebook: NOTEBOOK,
          schedule: '*/2 * * * * *',
          timeout: '2m',
          parameters: {
            features_relation: `${t.db.schema}.player_features`,
            lookback_days: 30,
            model_version: 'churn-logreg-1',
          },
          output: {
            format: 'csv',
            identity: { column: 'user_id', type: 'user_id' },
            scored_at_column: 'scored_at',
          },
          file: 'churn.yaml',
        },
      }),
    ]);
  });

  afterAll(async () => {
    if (!t) return;
    await t.app.get<Queue>(getQueueToken(NOTEBOOK_QUEUE)).obliterate({ force: true });
    await t.close();
  });

  const runs = () =>
    sql<RunRow>(
      t,
      `SELECT * FROM run WHERE source = $1 AND status <> 'running' ORDER BY started_at`,
      [NOTEBOOK],
    );
  const succeededWith = (modelVersion: string) =>
    waitFor(`a run of ${modelVersion}`, async () =>
      (await runs()).find(
        (r) => r.status === 'succeeded' && r.metadata.modelVersion === modelVersion,
      ),
    );

  it('runs on its schedule, lands scores with model version and run id, and a new model version makes new revisions', async () => {
    await t.app.get(NotebookSchedules).sync();
    const first = await succeededWith('churn-logreg-1');
    expect(first.metadata).toEqual(
      expect.objectContaining({
        trigger: 'schedule',
        jobId: expect.stringMatching(/^repeat:notebook:/),
      }),
    );
    expect((await runs()).filter((r) => r.status === 'failed')).toEqual([]);

    // Every player whose last session is at most 30 whole days old got exactly one score.
    const [{ recent }] = await sql<{ recent: string }>(
      t,
      `SELECT count(*) AS recent FROM player_features WHERE last_session_at > now() - interval '31 days'`,
    );
    const [{ scored }] = await sql<{ scored: string }>(
      t,
      `SELECT count(*) AS scored FROM trait_value tv JOIN trait_definition d ON d.id = tv.trait_id WHERE d.name = $1`,
      [trait],
    );
    expect(Number(scored)).toBe(Number(recent));
    expect(first.metadata.rows).toBe(Number(recent));
    expect(first.rows_changed).toBe(Number(recent));

    const sha256 = createHash('sha256')
      .update(readFileSync(join(REPO, NOTEBOOK)))
      .digest('hex');
    const v1 = await gql<{
      profile: { trait: { value: number; provenance: Record<string, unknown> } };
    }>(t.url, HISTORY, { id: { type: 'user_id', value: 'p1' }, trait }, t.adminKey);
    expect(v1.errors).toBeUndefined();
    const value1 = v1.data!.profile.trait.value;
    expect(value1).toBeGreaterThan(0);
    expect(value1).toBeLessThan(1);
    expect(v1.data!.profile.trait.provenance).toEqual(
      expect.objectContaining({
        sourceKind: 'notebook',
        runId: first.id,
        modelVersion: 'churn-logreg-1',
        sourceRef: expect.objectContaining({
          path: NOTEBOOK,
          sha256,
          modelVersion: 'churn-logreg-1',
        }),
      }),
    );

    // The executed notebook (with its outputs) is kept with the run.
    const [kept] = await sql<{ executed_notebook: string; process_groups: number[] }>(
      t,
      'SELECT executed_notebook, process_groups FROM notebook_run WHERE run_id = $1',
      [first.id],
    );
    expect(kept.executed_notebook).toContain(`scored ${recent} players`);
    expect(kept.process_groups.length).toBeGreaterThanOrEqual(2);

    // A second model version (stronger regularisation) on the next ticks: new revisions.
    await sql(
      t,
      `UPDATE trait_definition SET spec = jsonb_set(jsonb_set(spec, '{source,parameters,model_version}', '"churn-logreg-2"'),
                  '{source,parameters,regularization}', '0.01') WHERE name = $1`,
      [trait],
    );
    const second = await succeededWith('churn-logreg-2');
    expect(second.rows_changed).toBeGreaterThan(0);
    await sql(t, 'UPDATE trait_definition SET retired_at = now() WHERE name = $1', [trait]);
    expect(await t.app.get(NotebookSchedules).sync()).toEqual({ scheduled: 0, removed: 1 });

    const v2 = await gql<{
      profile: {
        trait: { value: number; provenance: Record<string, unknown> };
        history: { value: number; provenance: { runId: string; modelVersion: string } }[];
      };
    }>(t.url, HISTORY, { id: { type: 'user_id', value: 'p1' }, trait }, t.adminKey);
    const history = v2.data!.profile.history;
    expect(history[0].provenance).toEqual({ runId: second.id, modelVersion: 'churn-logreg-2' });
    expect(history[0].value).not.toBe(value1);
    expect(history.at(-1)).toEqual({
      value: value1,
      provenance: { runId: first.id, modelVersion: 'churn-logreg-1' },
    });
    // Re-runs of the same model on the same data changed nothing: one revision per model version.
    expect(history.map((h) => h.provenance.modelVersion)).toEqual([
      'churn-logreg-2',
      'churn-logreg-1',
    ]);
  });
});
