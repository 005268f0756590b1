import type { FeedChange } from './feed-change';

// The changes of one committed transaction, as live listeners receive them. Small transactions
// carry their changes; a large one (a bulk sync) carries only its size, and `load()` reads the
// changes from Postgres once, for every listener that needs them.
export interface LiveBatch {
  xid: string;
  count: number;
  changes: FeedChange[] | null;
  load(): Promise<FeedChange[]>;
}

// A listener is called synchronously for each batch committed by this process before the write
// returns (so a cache dropped here is never read stale on this node), and as soon as a batch
// committed elsewhere is announced. `gap` means announcements may have been missed (Redis
// reconnected): anything derived from the feed should be re-read.
export interface LiveListener {
  batch(batch: LiveBatch): void;
  gap?(): void;
}

// What a writer has to announce after its commit.
export interface PendingBatch {
  xid: string;
  count: number;
  changes: FeedChange[] | null;
}

// Above this many changes a transaction's announcement carries only its size.
export const INLINE_CHANGES = 256;
