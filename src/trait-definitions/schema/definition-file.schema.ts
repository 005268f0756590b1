import type { SchemaObject } from 'ajv';
import { SCOPES } from '../../api-keys/scopes';
import { TRAIT_TYPES } from '../trait-spec';

// One trait in a file's `traits:` list. Names, durations and value rules are checked after the
// schema (rules/trait-spec.rules.ts), so their messages can say more than "must match pattern".
export const TRAIT_ITEM_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type'],
  properties: {
    name: { type: 'string', minLength: 1 },
    column: { type: 'string', minLength: 1 },
    type: { type: 'string', enum: [...TRAIT_TYPES] },
    description: { type: 'string' },
    owner: { type: 'string', minLength: 1 },
    pii: { type: 'boolean' },
    exposure: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', enum: [...SCOPES] },
    },
    freshness: { type: 'string' },
    values: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', minLength: 1 },
    },
  },
};

// A whole file: one source block and the traits it produces. The source block is validated
// against its kind's own schema (schema/source-<kind>.schema.ts).
export const DEFINITION_FILE_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'traits'],
  properties: {
    source: { type: 'object' },
    traits: { type: 'array', minItems: 1, items: TRAIT_ITEM_SCHEMA },
  },
};
