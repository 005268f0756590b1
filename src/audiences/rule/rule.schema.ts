import type { SchemaObject } from 'ajv';
import { PRESENCE_OPS, PROPERTY_OPS, RECENCY_OPS, TRAIT_OPS } from './rule.types';

export const RULE_SCHEMA_ID = 'https://traitbase.dev/schemas/audience-rule.json';

// Limits that keep one rule cheap to validate, compile and evaluate.
export const RULE_LIMITS = {
  depth: 8,
  conditions: 100,
  children: 50,
  listValues: 1000,
  filters: 20,
  funnelSteps: 10,
  text: 1024,
};

const NAME = { type: 'string', minLength: 1, maxLength: 256 };
const DURATION = {
  type: 'string',
  pattern: '^[1-9][0-9]*[smhdw]$',
  description: 'A duration: a positive number and a unit s, m, h, d or w (45s, 30m, 2h, 7d, 1w)',
};

const filter = {
  type: 'object',
  additionalProperties: false,
  required: ['property', 'op'],
  properties: {
    property: {
      type: 'string',
      minLength: 1,
      maxLength: 256,
      description: 'A key of the event properties; dots reach into nested objects',
    },
    op: { enum: [...PROPERTY_OPS] },
    value: { description: 'A string, number or boolean; [low, high] for between; a list for in' },
  },
};

const filters = {
  type: 'array',
  maxItems: RULE_LIMITS.filters,
  items: { $ref: '#/definitions/propertyFilter' },
};

const step = {
  type: 'object',
  additionalProperties: false,
  required: ['event'],
  properties: { event: NAME, where: filters },
};

const group = (key: 'all' | 'any') => ({
  type: 'object',
  additionalProperties: false,
  required: [key],
  properties: {
    [key]: {
      type: 'array',
      minItems: 1,
      maxItems: RULE_LIMITS.children,
      items: { $ref: '#/definitions/rule' },
    },
  },
});

const count = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    gte: { type: 'integer', minimum: 0, description: 'at least' },
    lte: { type: 'integer', minimum: 0, description: 'at most' },
    eq: { type: 'integer', minimum: 0, description: 'exactly' },
  },
};

const DEFINITIONS: Record<string, SchemaObject> = {
  all: group('all'),
  any: group('any'),
  not: {
    type: 'object',
    additionalProperties: false,
    required: ['not'],
    properties: { not: { $ref: '#/definitions/rule' } },
  },
  trait: {
    type: 'object',
    additionalProperties: false,
    required: ['trait', 'op'],
    properties: {
      trait: { type: 'string', minLength: 1, maxLength: 256 },
      op: { enum: [...TRAIT_OPS] },
      value: {
        description:
          'By the trait type and op: a number, string or boolean; [low, high] for between; a list ' +
          'for in; an ISO-8601 time for before/after; a duration for within_last/more_than_ago; ' +
          'none for exists/missing',
      },
    },
  },
  identity: {
    type: 'object',
    additionalProperties: false,
    required: ['identity'],
    properties: {
      identity: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' },
      op: { enum: [...PRESENCE_OPS], default: 'exists' },
    },
  },
  audience: {
    type: 'object',
    additionalProperties: false,
    required: ['audience'],
    properties: { audience: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' } },
  },
  event: {
    type: 'object',
    additionalProperties: false,
    required: ['event'],
    properties: {
      event: NAME,
      where: filters,
      count,
      within: DURATION,
      last: {
        type: 'object',
        additionalProperties: false,
        required: ['op', 'value'],
        properties: { op: { enum: [...RECENCY_OPS] }, value: DURATION },
      },
    },
  },
  funnel: {
    type: 'object',
    additionalProperties: false,
    required: ['funnel', 'within'],
    properties: {
      funnel: {
        type: 'array',
        minItems: 1,
        maxItems: RULE_LIMITS.funnelSteps,
        items: { $ref: '#/definitions/funnelStep' },
      },
      within: DURATION,
      then_not: { $ref: '#/definitions/funnelStep' },
      lookback: DURATION,
    },
  },
};

const KINDS = ['all', 'any', 'not', 'trait', 'identity', 'audience', 'event', 'funnel'];

// The JSON Schema of an audience rule (served by the API as audienceRuleSchema and kept in
// docs/audience-rule.schema.json). A node is a group or a condition, told apart by its one kind
// key; `if/then` makes a validator report the faults of that kind only, at their JSON pointer.
export const AUDIENCE_RULE_SCHEMA: SchemaObject = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: RULE_SCHEMA_ID,
  title: 'Traitbase audience rule',
  $ref: '#/definitions/rule',
  definitions: {
    rule: {
      type: 'object',
      anyOf: KINDS.map((k) => ({ required: [k] })),
      allOf: KINDS.map((k) => ({
        if: { required: [k] },
        then: { $ref: `#/definitions/${k}` },
      })),
    },
    propertyFilter: filter,
    funnelStep: step,
    ...DEFINITIONS,
  },
};
