import type { SchemaObject } from 'ajv';

// A rule broken inside a source block; path is relative to `source:` (e.g. ['schedule']).
export interface SourceRule {
  path: (string | number)[];
  rule: string;
}

// Everything the loader and the versioning need to know about one kind of source. Each kind
// lives in its own file so the feature that runs the source (dbt sync, notebook runs) extends it.
export interface SourceKindDefinition {
  kind: string;
  // JSON Schema of the `source:` block (additionalProperties: false → unknown keys rejected).
  schema: SchemaObject;
  // The key that says *which* source this is (the dbt model, the notebook path): changing it is
  // a breaking change of every trait the file declares.
  identityKey?: string;
  // Checks a schema cannot express (cron syntax, durations); runs only on schema-valid blocks.
  check?: (source: Record<string, unknown>) => SourceRule[];
}

export const IDENTITY_TYPE = /^[a-z][a-z0-9_]*$/;
export const IDENTITY_TYPE_RULE = 'must be an identity type name in snake_case (e.g. user_id)';

// JSON Schema of `{ column, type }`: a column of the source's rows read as an identity.
export const IDENTITY_COLUMN_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['column', 'type'],
  properties: {
    column: { type: 'string', minLength: 1 },
    type: { type: 'string', minLength: 1 },
  },
};

export const CRON_SCHEMA: SchemaObject = { type: 'string', minLength: 1 };
