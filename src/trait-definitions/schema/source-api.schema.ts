import type { SourceKindDefinition } from './source-kind';

// source: { kind: api } — values are written through the API (writeTraits, keys with scope traits:write).
export interface ApiSourceBlock {
  kind: 'api';
}

export const API_SOURCE: SourceKindDefinition = {
  kind: 'api',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['kind'],
    properties: { kind: { type: 'string', const: 'api' } },
  },
};
