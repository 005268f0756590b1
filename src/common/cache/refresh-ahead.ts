// When an entry that expires is read in the last fifth of its life, it is loaded again in the
// background while it still answers: under steady traffic an entry in use never runs out, so no
// read waits for its reload — when it did, every read of it in flight stalled behind the load (and
// behind a new database connection when the pool had let its idle ones go). An entry is still never
// served after it expires, so whatever bound its lifetime gives (a revoked key refused, a status
// caught up, a definition seen) holds.
export const REFRESH_AHEAD_SHARE = 0.2;

// Whether an entry valid until `until` (epoch ms), of a lifetime of `lifetimeMs`, is due for a
// reload ahead of its expiry.
export function dueForRefresh(until: number, lifetimeMs: number, now = Date.now()): boolean {
  return until - now < lifetimeMs * REFRESH_AHEAD_SHARE;
}
