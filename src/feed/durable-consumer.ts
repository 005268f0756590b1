import type { PoolClient } from 'pg';
import type { FeedChange, FeedKind } from './feed-change';

// A consumer that must see every change exactly once, in commit order per profile, across
// restarts (audience evaluation, destination syncs). Its cursor lives in Postgres and moves in the
// same transaction as `handle` runs: whatever `handle` writes through `tx` commits together with
// the cursor, so a crash replays nothing twice. Work done elsewhere (another transaction, an HTTP
// call) must be idempotent by position, since a batch interrupted by a crash is handed over again.
export interface DurableConsumer {
  // Unique and stable: the cursor is stored under it.
  name: string;
  // Only these kinds are handed over (the cursor still moves past the others).
  kinds?: readonly FeedKind[];
  // At most this many changes per call (default 500).
  batchSize?: number;
  // Where a consumer seen for the first time starts: with what commits from now on (default), or
  // with everything the feed still holds.
  start?: 'now' | 'beginning';
  handle(changes: FeedChange[], tx: PoolClient): Promise<void>;
  // True when no change could matter to it now (no audience to evaluate, no destination to feed):
  // the cursor then moves to the horizon without reading the changes. Asked after the horizon is
  // read, so whatever makes the consumer busy again (an audience, a destination) is created after
  // every change it skipped was committed, and its own first pass (full evaluation, backfill) sees
  // them.
  idle?(tx: PoolClient): Promise<boolean>;
  // Called after a handled batch committed with the cursor (e.g. to wake what reads its output).
  committed?(): void;
}
