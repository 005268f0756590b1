import type { SourceKindDefinition } from './source-kind';

// source: { kind: event, event? } — values set from ingested events (identify traits, or one track event).
export interface EventSourceBlock {
  kind: 'event';
  // The track event name the traits come from; absent means identify() traits.
  event?: string;
}

export const EVENT_SOURCE: SourceKindDefinition = {
  kind: 'event',
  identityKey: 'event',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['kind'],
    properties: {
      kind: { type: 'string', const: 'event' },
      event: { type: 'string', minLength: 1 },
    },
  },
};
