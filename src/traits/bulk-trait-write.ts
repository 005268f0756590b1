import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { recordedChanges } from '../feed/feed-recorder';
import type { PendingBatch } from '../feed/live-batch';
import { RetryableConflict } from '../identity/concurrency/retry';
import { copyLine } from './copy-text';
import type { StagedRow } from './stage-rows';
import * as SQL from './trait-write.sql';
import type { WriteResult } from './trait-write.types';
import { LateDecision, noteLateDecisions } from './write-outcome';

// The bulk path of TraitWriter, inside its transaction: the rows are COPYed into temporary tables,
// analysed, and applied by the statements of trait-write.sql.ts. $1 source_kind, $2 source_ref,
// $3 run_id in `params`. Returns what to announce after the commit.
export async function applyBulk(
  client: PoolClient,
  rows: readonly StagedRow[],
  params: unknown[],
  result: WriteResult,
): Promise<PendingBatch | null> {
  await client.query(SQL.CREATE_STAGE);
  // One chunk: a stream chunk per line costs a socket write per row.
  await pipeline(
    Readable.from([rows.map(copyLine).join('')]),
    client.query(copyFrom(SQL.COPY_STAGE)),
  );
  await client.query(SQL.ANALYZE_STAGE);
  await client.query(SQL.CREATE_MISSING_PROFILES, [params[0]]);
  // Observations that would change nothing are left out; none left: nothing to write.
  if ((await client.query(SQL.CREATE_OBSERVATIONS)).rowCount === 0) return null;
  await client.query(SQL.ANALYZE_OBSERVATIONS);
  await client.query(SQL.LOCK_PROFILES);
  if ((await client.query(SQL.IDENTITY_MOVED_WHILE_LOCKING)).rowCount)
    throw new RetryableConflict('an identity of the batch moved to another profile');
  await client.query(SQL.CREATE_TOUCHED);
  await client.query(SQL.CLASSIFY);
  await client.query(SQL.ANALYZE_CLASSIFIED);
  await client.query(SQL.CREATE_CHANGES);
  await client.query(SQL.WRITE_FRESH, params);
  // WRITE_FRESH reports upserted current values; its revisions are the rows of tb_chg.
  const fresh = await client.query<{ n: string }>('SELECT count(*) AS n FROM tb_chg');
  result.revisions += Number(fresh.rows[0].n);
  await client.query(SQL.CONFIRM_UNCHANGED);
  await client.query(SQL.CREATE_LATE);
  for (;;) {
    const pass = await client.query<LateDecision>(SQL.WRITE_LATE_PASS, params);
    if (pass.rowCount === 0) break;
    noteLateDecisions(pass.rows, result);
  }
  const bumped = await client.query<{ id: string; revision: string }>(SQL.BUMP_PROFILES);
  result.profiles = bumped.rows.map((r) => ({ profileId: r.id, revision: Number(r.revision) }));
  // Every revision is on the feed: what to announce after the commit.
  return recordedChanges(client, result.revisions);
}
