import type { PoolClient } from 'pg';
import { queryNamed } from '../../database/pg-pool';
import { PROFILE_OWNED_TABLES } from './profile-owned-tables';
import { moveByIdentity, moveByProfile, moveMergedRows } from './rehome.sql';
import { REBUILD_TIMELINES } from './timelines.sql';

const MOVE_MERGED = moveMergedRows(PROFILE_OWNED_TABLES);

// Merge: the identities and profile-owned rows of merged profiles move to their survivors.
// Returns when the moves were recorded (the merge log's recorded_at).
export async function moveMerged(
  client: PoolClient,
  from: string[],
  into: string[],
): Promise<string | null> {
  if (from.length === 0) return null;
  const res = await queryNamed<{ recorded_at: string }>(
    client,
    'identity-move-merged',
    MOVE_MERGED,
    [from, into],
  );
  return res.rows[0].recorded_at;
}

// Moves every profile-owned row of dissolved profiles to the profile each joins.
export async function moveProfileRows(
  client: PoolClient,
  from: string[],
  into: string[],
): Promise<void> {
  if (from.length === 0) return;
  for (const table of PROFILE_OWNED_TABLES) await client.query(moveByProfile(table), [from, into]);
}

// Moves the rows of the scope's profiles to the profile their identity is on now.
export async function moveRowsByIdentity(client: PoolClient, scope: string[]): Promise<void> {
  for (const table of PROFILE_OWNED_TABLES) {
    const sql = moveByIdentity(table);
    if (sql) await client.query(sql, [scope]);
  }
}

// Rebuilds valid_to chains and current values of `rebuild`; `stale` are the profiles whose current
// values may point at revisions that moved (both sides of a merge, the whole unmerge scope).
export async function rebuildTimelines(
  client: PoolClient,
  rebuild: string[],
  stale: string[],
): Promise<void> {
  if (rebuild.length > 0 || stale.length > 0)
    await queryNamed(client, 'identity-rebuild-timelines', REBUILD_TIMELINES, [rebuild, stale]);
}
