// Virtual shards of the event inbox. A person's order key always maps to the same shard; worker
// processes lease shards and share them out among themselves (processing/shard-leases.ts), so
// adding worker processes spreads the work. Changing this number re-maps people: only change it
// with the inbox drained (event_inbox_pending empty) — see docs/scaling.md.
export const EVENT_SHARDS = 128;

// FNV-1a: cheap, stable across processes and releases (unlike a seeded runtime hash).
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

// The order key: anonymousId when present, else userId. Segment's client libraries send the
// device's anonymousId with every message, before and after identify, so one person's anonymous
// browsing, the identify that names them and what follows stay in one shard, in order. Messages
// with a userId only (server-side sources) go by userId. Changing this rule, like EVENT_SHARDS,
// re-maps people: only with the inbox drained.
export function shardOf(userId: string | null, anonymousId: string | null): number {
  return fnv1a(anonymousId ?? userId ?? '') % EVENT_SHARDS;
}
