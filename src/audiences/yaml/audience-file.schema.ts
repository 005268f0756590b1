import type { SchemaObject } from 'ajv';

// One audience per file in trait-definitions/audiences/ (the rule is checked on its own, with
// JSON pointers turned into file positions).
export const AUDIENCE_FILE_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'rule'],
  properties: {
    slug: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 2000 },
    owner: { type: 'string', minLength: 1, maxLength: 200 },
    schedule: { type: 'string', minLength: 1 },
    rule: {},
  },
};
