import type { SchemaObject } from 'ajv';
import { DESTINATION_KINDS, TIMESTAMP_FORMATS } from './destination-spec';

const ENV_NAME = { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' };
const NAME = { type: 'string', minLength: 1, maxLength: 200 };
const NAMES = { type: 'array', items: NAME, uniqueItems: true };

// One destination per file in trait-definitions/destinations/, and the config of saveDestination.
export const DESTINATION_SPEC_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'kind'],
  properties: {
    slug: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' },
    name: NAME,
    kind: { enum: [...DESTINATION_KINDS] },
    url: { type: 'string', pattern: '^https?://' },
    url_env: ENV_NAME,
    secret_env: ENV_NAME,
    headers: {
      type: 'object',
      additionalProperties: {
        anyOf: [
          { type: 'string' },
          {
            type: 'object',
            additionalProperties: false,
            required: ['env'],
            properties: { env: ENV_NAME },
          },
        ],
      },
    },
    audiences: NAMES,
    traits: NAMES,
    identities: NAMES,
    mapping: { type: 'object', additionalProperties: NAME },
    clear: NAMES,
    timestamp_format: { enum: [...TIMESTAMP_FORMATS] },
    mode: { enum: ['upsert', 'mirror'] },
    batch_size: { type: 'integer', minimum: 1, maximum: 1000 },
    rate_limit: { type: 'number', exclusiveMinimum: 0 },
    max_attempts: { type: 'integer', minimum: 1, maximum: 100 },
    backoff_ms: { type: 'integer', minimum: 1, maximum: 300000 },
    enabled: { type: 'boolean' },
  },
};
