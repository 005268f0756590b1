import type { SchemaObject } from 'ajv';
import { NORMALIZE_STEPS } from './identity-rules';

// A place in an event: under traits, context or properties, dotted (context.device.id).
export const IDENTITY_PATH = /^(traits|context|properties)(\.[A-Za-z0-9_$-]{1,64}){1,8}$/;

const COUNT = { type: 'integer', minimum: 1, maximum: 1_000_000 };
const PRIORITY = { type: 'integer', minimum: 0, maximum: 1_000_000 };

const BLOCKED_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  properties: {
    values: { type: 'array', uniqueItems: true, items: { type: 'string' } },
    patterns: { type: 'array', uniqueItems: true, items: { type: 'string', minLength: 1 } },
  },
};

const TYPE_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  properties: {
    priority: PRIORITY,
    limit: COUNT,
    normalize: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', enum: [...NORMALIZE_STEPS] },
    },
    blocked: BLOCKED_SCHEMA,
    pii: { type: 'boolean' },
    paths: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string' },
    },
  },
};

// trait-definitions/identity.yaml. Type names and regular expressions are checked after the schema
// (identity-config.parser.ts), so their messages can say more than "must match pattern".
export const IDENTITY_FILE_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  properties: {
    types: { type: 'object', additionalProperties: TYPE_SCHEMA },
    blocked: BLOCKED_SCHEMA,
    unknown_types: {
      type: 'object',
      additionalProperties: false,
      properties: { accept: { type: 'boolean' }, priority: PRIORITY, limit: COUNT },
    },
  },
};
