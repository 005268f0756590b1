import type { PoolClient } from 'pg';
import { FeedRecord, FeedRow, toFeedChange } from './feed-change';
import * as SQL from './feed.sql';
import { INLINE_CHANGES, PendingBatch } from './live-batch';

// Records changes inside the caller's transaction; returns what to announce after the commit.
export async function recordChanges(
  client: PoolClient,
  records: readonly FeedRecord[],
): Promise<PendingBatch | null> {
  if (records.length === 0) return null;
  const json = JSON.stringify(
    records.map((r) => ({
      profile_id: r.profileId,
      revision: r.revision,
      kind: r.kind,
      name: r.name,
      before: r.before ?? null,
      after: r.after ?? null,
      provenance: r.provenance,
    })),
  );
  if (records.length > INLINE_CHANGES) {
    const { rows } = await client.query<{ xid: string; n: number }>(SQL.RECORD_MANY, [json]);
    return { xid: rows[0].xid, count: rows[0].n, changes: null };
  }
  const { rows } = await client.query<FeedRow & { xid: string }>(SQL.RECORD, [json]);
  return { xid: rows[0].xid, count: rows.length, changes: rows.map(toFeedChange) };
}

// For writers that record their changes set-based in SQL (the trait write path): `count` of them
// were recorded by this transaction; small batches are read back to be announced whole.
export async function recordedChanges(
  client: PoolClient,
  count: number,
): Promise<PendingBatch | null> {
  if (count === 0) return null;
  if (count > INLINE_CHANGES) {
    const { rows } = await client.query<{ xid: string }>(SQL.CURRENT_XID);
    return { xid: rows[0].xid, count, changes: null };
  }
  const { rows } = await client.query<FeedRow & { xid: string }>(SQL.OWN_CHANGES, [count]);
  return { xid: rows[0].xid, count: rows.length, changes: rows.map(toFeedChange) };
}

// A feed row as a statement returned it inside JSON (json_agg): timestamps are strings.
export type FeedRowJson = Omit<FeedRow, 'at'> & { at: string; xid: string };

// For a writer whose statement recorded its changes and returned them (json_agg of the feed
// insert's RETURNING, in position order): what to announce, without reading them back.
export function returnedChanges(rows: readonly FeedRowJson[] | null): PendingBatch | null {
  if (!rows || rows.length === 0) return null;
  if (rows.length > INLINE_CHANGES) return { xid: rows[0].xid, count: rows.length, changes: null };
  const changes = rows.map((r) => toFeedChange({ ...r, at: new Date(r.at) }));
  return { xid: rows[0].xid, count: rows.length, changes };
}
