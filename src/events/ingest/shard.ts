// Number of ordered worker queues. A user key always maps to the same shard, so changing this
// number re-maps users: only change it with the inbox drained (no rows in state `received`).
export const EVENT_SHARDS = 8;

// FNV-1a: cheap, stable across processes and releases (unlike a seeded runtime hash).
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

// The user key orders a user's messages: userId when present, else anonymousId.
export function shardOf(userId: string | null, anonymousId: string | null): number {
  return fnv1a(userId ?? anonymousId ?? '') % EVENT_SHARDS;
}
