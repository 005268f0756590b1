// Segment's documented limits, enforced on every ingestion route.
export const MAX_MESSAGE_BYTES = 32 * 1024;
export const MAX_BODY_BYTES = 500 * 1024;
export const MAX_BATCH_MESSAGES = 2500;

// The message types of the Segment spec, each with its own route.
export const MESSAGE_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export function isMessageType(value: unknown): value is MessageType {
  return typeof value === 'string' && (MESSAGE_TYPES as readonly string[]).includes(value);
}
