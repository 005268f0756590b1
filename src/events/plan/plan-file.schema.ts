import type { SchemaObject } from 'ajv';
import { PLANNED_TYPES } from './tracking-plan';

export const SCHEMA_VER = '^[1-9][0-9]*-(0|[1-9][0-9]*)-(0|[1-9][0-9]*)$';

// The shape of one tracking-plan file (trait-definitions/events/<name>.yaml).
export const PLAN_FILE_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['versions'],
  properties: {
    type: { enum: [...PLANNED_TYPES] },
    event: { type: 'string', minLength: 1, maxLength: 256 },
    description: { type: 'string' },
    owner: { type: 'string' },
    expected: {
      type: 'object',
      additionalProperties: false,
      required: ['min', 'per'],
      properties: { min: { type: 'integer', minimum: 1 }, per: { type: 'string' } },
    },
    versions: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: SCHEMA_VER },
      additionalProperties: { type: 'object' },
    },
  },
};

// trait-definitions/events/_sources.yaml: per source (API key name or id), unplanned events allowed or not.
export const SOURCES_FILE_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  properties: {
    default: { $ref: '#/$defs/settings' },
    sources: { type: 'object', additionalProperties: { $ref: '#/$defs/settings' } },
  },
  $defs: {
    settings: {
      type: 'object',
      additionalProperties: false,
      required: ['unplanned'],
      properties: { unplanned: { enum: ['allow', 'reject'] } },
    },
  },
};
