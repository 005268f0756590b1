import type { PoolClient } from 'pg';
import { queryNamed } from '../database/pg-pool';
import { FeedRecord, FeedRow, toFeedChange } from './feed-change';
import * as SQL from './feed.sql';
import { INLINE_CHANGES, PendingBatch } from './live-batch';

// Records changes inside the caller's transaction; returns what to announce after the commit.
export async function recordChanges(
  client: PoolClient,
  records: readonly FeedRecord[],
): Promise<PendingBatch | null> {
  if (records.length === 0) return null;
  const json = recordsJson(records);
  if (records.length > INLINE_CHANGES) {
    const { rows } = await queryNamed<{ xid: string; n: number }>(
      client,
      'feed-record-many',
      SQL.RECORD_MANY,
      [json],
    );
    return { xid: rows[0].xid, count: rows[0].n, changes: null };
  }
  const { rows } = await queryNamed<FeedRow & { xid: string }>(client, 'feed-record', SQL.RECORD, [
    json,
  ]);
  return { xid: rows[0].xid, count: rows.length, changes: rows.map(toFeedChange) };
}

// The records as the feed's statements take them (RECORD's $1, a recordingCte's parameter).
export function recordsJson(records: readonly FeedRecord[]): string {
  return JSON.stringify(
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
}

// What a statement with a recordingCte selected of it (SQL.recordedSummary): what to announce.
export interface RecordedSummary {
  fed_xid: string | null;
  fed_count: number;
  fed: FeedRowJson[] | null;
}

export function recordedBy(summary: RecordedSummary): PendingBatch | null {
  if (summary.fed_count === 0) return null;
  if (summary.fed) return returnedChanges(summary.fed);
  return { xid: summary.fed_xid!, count: summary.fed_count, changes: null };
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
