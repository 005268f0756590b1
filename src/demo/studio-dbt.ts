import { createHash } from 'node:crypto';

// The studio's dbt artifacts for model.game.player_stats, as `dbt build` writes them to target/:
// a manifest (v12, dbt 1.9) with the model and the test attached to it, and run_results (v6) in
// which both succeeded. The invocation id comes from the load's anchor, so a re-run notifies the
// same invocation (which Traitbase syncs once).

export const DEMO_MODEL = 'model.game.player_stats';
const TEST = 'test.game.unique_player_stats_player_id.5b8b0c3f1a';
const DBT_VERSION = '1.9.0';

function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface DbtArtifacts {
  invocationId: string;
  manifest: Record<string, unknown>;
  runResults: Record<string, unknown>;
}

const MODEL_SQL = `select player_id, email, ltv, level, country_code, favourite_mode, last_session_at, updated_at
from {{ ref('int_player_activity') }}`;

export function dbtArtifacts(anchor: Date): DbtArtifacts {
  const invocationId = uuidFrom(`traitbase-demo-${anchor.toISOString()}`);
  const generatedAt = anchor.toISOString();
  const column = (name: string, description: string) => ({ name, description, meta: {}, tags: [] });
  const manifest = {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json',
      dbt_version: DBT_VERSION,
      generated_at: generatedAt,
      invocation_id: invocationId,
      project_name: 'game',
      adapter_type: 'postgres',
      env: {},
    },
    nodes: {
      [DEMO_MODEL]: {
        database: 'warehouse',
        schema: 'analytics',
        name: 'player_stats',
        alias: 'player_stats',
        resource_type: 'model',
        package_name: 'game',
        path: 'marts/player_stats.sql',
        original_file_path: 'models/marts/player_stats.sql',
        unique_id: DEMO_MODEL,
        fqn: ['game', 'marts', 'player_stats'],
        checksum: {
          name: 'sha256',
          checksum: createHash('sha256').update(MODEL_SQL).digest('hex'),
        },
        config: { enabled: true, materialized: 'table', meta: {}, tags: [] },
        description: 'One row per player: spend, progress, where and how they play.',
        columns: {
          player_id: column('player_id', 'The account id the game client sends as userId'),
          email: column('email', 'Email the player registered with'),
          ltv: column('ltv', 'Purchases minus refunds, USD'),
          level: column('level', 'Highest level reached across all game modes'),
          country_code: column('country_code', 'ISO 3166-1 alpha-2 country of the last session'),
          favourite_mode: column('favourite_mode', 'Game mode with the most play time'),
          last_session_at: column('last_session_at', 'Start of the most recent session'),
          updated_at: column('updated_at', 'When dbt last rebuilt the row'),
        },
        meta: { owner: 'analytics-engineering' },
        relation_name: '"warehouse"."analytics"."player_stats"',
        raw_code: MODEL_SQL,
        language: 'sql',
        depends_on: { macros: [], nodes: ['model.game.int_player_activity'] },
      },
      [TEST]: {
        database: 'warehouse',
        schema: 'analytics_dbt_test__audit',
        name: 'unique_player_stats_player_id',
        resource_type: 'test',
        package_name: 'game',
        unique_id: TEST,
        attached_node: DEMO_MODEL,
        column_name: 'player_id',
        depends_on: { macros: ['macro.dbt.test_unique'], nodes: [DEMO_MODEL] },
        config: { enabled: true, severity: 'ERROR' },
      },
    },
    sources: {},
    macros: {},
    docs: {},
    exposures: {},
    metrics: {},
    groups: {},
    selectors: {},
    disabled: {},
    parent_map: { [DEMO_MODEL]: [], [TEST]: [DEMO_MODEL] },
    child_map: { [DEMO_MODEL]: [TEST], [TEST]: [] },
  };
  const result = (uniqueId: string, status: string, message: string) => ({
    status,
    timing: [],
    thread_id: 'Thread-1',
    execution_time: 0.42,
    adapter_response: {},
    message,
    failures: status === 'pass' ? 0 : null,
    unique_id: uniqueId,
  });
  const runResults = {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json',
      dbt_version: DBT_VERSION,
      generated_at: generatedAt,
      invocation_id: invocationId,
      env: {},
    },
    results: [result(DEMO_MODEL, 'success', 'SELECT 300'), result(TEST, 'pass', 'PASS')],
    elapsed_time: 1.3,
    args: { which: 'build', full_refresh: false },
  };
  return { invocationId, manifest, runResults };
}
