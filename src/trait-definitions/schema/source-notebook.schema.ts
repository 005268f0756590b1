import { pathTextRule } from '../../common/paths/confined-path';
import { cronProblem } from '../rules/cron';
import { DURATION_RULE, durationSeconds } from '../rules/duration';
import {
  CRON_SCHEMA,
  IDENTITY_COLUMN_SCHEMA,
  IDENTITY_TYPE,
  IDENTITY_TYPE_RULE,
  SourceKindDefinition,
  SourceRule,
} from './source-kind';

// source: { kind: notebook, notebook, schedule?, waits_for?, timeout?, parameters?, output, min_rows?, max_change_ratio? }
// How runs use these keys: docs/notebooks.md.
export interface NotebookSourceBlock {
  kind: 'notebook';
  // Path of the notebook, relative to the parent of TRAIT_DEFINITIONS_DIR (the project root).
  notebook: string;
  // Cron in UTC: 5 fields, or 6 with a leading seconds field.
  schedule?: string;
  // Warehouse relations (schema.table) the notebook reads: scheduled runs wait, with no run
  // recorded, while one of them does not exist.
  waits_for?: string[];
  // Longest a run may take, e.g. 15m (default 15m); then its processes are killed.
  timeout?: string;
  // Injected into the notebook's parameters cell (Python names; run_id, as_of, output_path and
  // database_dsn are injected by the runner and cannot be declared).
  parameters?: Record<string, unknown>;
  output: {
    format: 'csv' | 'jsonl';
    identity: { column: string; type: string };
    model_version_column?: string;
    scored_at_column?: string;
    // Rows whose identity Traitbase has never seen: new profiles (default), left out, or the run fails.
    unknown_identities?: 'create' | 'skip' | 'reject';
  };
  // Guards against a broken run: fewer rows than min_rows (default 1), or a row count that moved
  // more than max_change_ratio (default 0.5 = ±50%) from the previous accepted output, fails it.
  min_rows?: number;
  max_change_ratio?: number;
}

const RELATION = /^[^\s.]+\.[^\s.]+$/;

export const RESERVED_NOTEBOOK_PARAMETERS = ['run_id', 'as_of', 'output_path', 'database_dsn'];
function checkNotebook(source: Record<string, unknown>): SourceRule[] {
  const block = source as unknown as NotebookSourceBlock;
  const rules: SourceRule[] = [];
  const path = pathTextRule(block.notebook);
  if (path) rules.push({ path: ['notebook'], rule: path });
  const cron = block.schedule === undefined ? null : cronProblem(block.schedule, true);
  if (cron) rules.push({ path: ['schedule'], rule: cron });
  if (block.timeout !== undefined && durationSeconds(block.timeout) === null) {
    rules.push({ path: ['timeout'], rule: DURATION_RULE });
  }
  if (!IDENTITY_TYPE.test(block.output.identity.type)) {
    rules.push({ path: ['output', 'identity', 'type'], rule: IDENTITY_TYPE_RULE });
  }
  (block.waits_for ?? []).forEach((relation, i) => {
    if (!RELATION.test(relation)) {
      rules.push({ path: ['waits_for', i], rule: 'must be a relation as schema.table' });
    }
  });
  for (const name of Object.keys(block.parameters ?? {})) {
    if (RESERVED_NOTEBOOK_PARAMETERS.includes(name)) {
      rules.push({
        path: ['parameters', name],
        rule: 'is injected by the runner and cannot be declared',
      });
    }
  }
  return rules;
}

export const NOTEBOOK_SOURCE: SourceKindDefinition = {
  kind: 'notebook',
  identityKey: 'notebook',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['kind', 'notebook', 'output'],
    properties: {
      kind: { type: 'string', const: 'notebook' },
      notebook: { type: 'string', minLength: 1 },
      schedule: CRON_SCHEMA,
      waits_for: {
        type: 'array',
        maxItems: 20,
        uniqueItems: true,
        items: { type: 'string', minLength: 1 },
      },
      timeout: { type: 'string' },
      parameters: { type: 'object', propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } },
      output: {
        type: 'object',
        additionalProperties: false,
        required: ['format', 'identity'],
        properties: {
          format: { type: 'string', enum: ['csv', 'jsonl'] },
          identity: IDENTITY_COLUMN_SCHEMA,
          model_version_column: { type: 'string', minLength: 1 },
          scored_at_column: { type: 'string', minLength: 1 },
          unknown_identities: { type: 'string', enum: ['create', 'skip', 'reject'] },
        },
      },
      min_rows: { type: 'integer', minimum: 0 },
      max_change_ratio: { type: 'number', minimum: 0 },
    },
  },
  check: checkNotebook,
};
