import { cronProblem } from '../rules/cron';
import {
  CRON_SCHEMA,
  IDENTITY_COLUMN_SCHEMA,
  IDENTITY_TYPE,
  IDENTITY_TYPE_RULE,
  SourceKindDefinition,
  SourceRule,
} from './source-kind';

// source: { kind: dbt, model, relation?, identities: [{ column, type }], cursor?, schedule?, absent?, warehouse? }
export interface DbtSourceBlock {
  kind: 'dbt';
  // dbt unique_id (model.game.player_stats) or a model name the manifest resolves.
  model: string;
  // schema.table to read; optional when the manifest gives relation_name.
  relation?: string;
  // Columns of a row → identities observed together.
  identities: { column: string; type: string }[];
  // High-water-mark column for incremental reads.
  cursor?: string;
  // 5-field cron; optional when syncs are triggered by dbt run_results.
  schedule?: string;
  // A row that disappears from the model: keep its last values (default) or clear them.
  absent?: 'keep' | 'clear';
  // Named warehouse connection; default WAREHOUSE_URL.
  warehouse?: string;
}

function checkDbt(source: Record<string, unknown>): SourceRule[] {
  const block = source as unknown as DbtSourceBlock;
  const rules: SourceRule[] = [];
  const seen = new Map<string, number>();
  block.identities.forEach((identity, i) => {
    if (!IDENTITY_TYPE.test(identity.type))
      rules.push({ path: ['identities', i, 'type'], rule: IDENTITY_TYPE_RULE });
    const first = seen.get(identity.column);
    if (first !== undefined) {
      rules.push({
        path: ['identities', i, 'column'],
        rule: `column "${identity.column}" is already listed at identities[${first}]`,
      });
    }
    seen.set(identity.column, first ?? i);
  });
  const cron = block.schedule === undefined ? null : cronProblem(block.schedule);
  if (cron) rules.push({ path: ['schedule'], rule: cron });
  return rules;
}

export const DBT_SOURCE: SourceKindDefinition = {
  kind: 'dbt',
  identityKey: 'model',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['kind', 'model', 'identities'],
    properties: {
      kind: { type: 'string', const: 'dbt' },
      model: { type: 'string', minLength: 1 },
      relation: { type: 'string', minLength: 1 },
      identities: { type: 'array', minItems: 1, items: IDENTITY_COLUMN_SCHEMA },
      cursor: { type: 'string', minLength: 1 },
      schedule: CRON_SCHEMA,
      absent: { type: 'string', enum: ['keep', 'clear'] },
      warehouse: { type: 'string', minLength: 1 },
    },
  },
  check: checkDbt,
};
