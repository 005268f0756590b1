import type { PoolClient, QueryResult, QueryResultRow } from 'pg';
import { GENERIC_PLANS, queryNamed } from '../database/pg-pool';
import { FeedRowJson, recordedChanges, returnedChanges } from '../feed/feed-recorder';
import type { PendingBatch } from '../feed/live-batch';
import { RetryableConflict } from '../identity/concurrency/retry';
import type { StagedRow } from './stage-rows';
import * as SQL from './trait-write-small.sql';
import type { WriteResult } from './trait-write.types';
import { LateDecision, noteLateDecisions } from './write-outcome';

// Batches of at most this many valid rows take the small-write path: the statements of the bulk
// path over parameter arrays, without its fixed cost (temporary tables, COPY, ANALYZE), which is
// most of the time of a write of a few rows. Above it, those costs are spread over the rows and
// the bulk path's statistics keep its plans right (docs/trait-store.md).
export const SMALL_WRITE_MAX_ROWS = 64;

// The small path's statements read their rows from parameters (jsonb_to_recordset, unnest), which
// the planner takes for 100 rows whatever they hold: against a table of a few thousand rows it
// then hashes the whole table instead of looking up the few keys (a one-row write scanned every
// identity and every current value). With at most SMALL_WRITE_MAX_ROWS rows, index lookups are
// the right plan at any table size, so this transaction plans without hash and merge joins, and
// its named statements keep one generic plan per connection (GENERIC_PLANS: the identity and
// observation statements were planned afresh on every call, ~0.6 ms of a one-row write's ~2 ms in
// Postgres).
export const SMALL_WRITE_BEGIN = `BEGIN; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; ${GENERIC_PLANS}`;

interface Bumped {
  id: string;
  revision: string | number;
}

// Named, so each pooled connection parses and plans a statement once, not on every small write.
function run<R extends QueryResultRow = QueryResultRow>(
  client: PoolClient,
  name: string,
  text: string,
  values: unknown[],
): Promise<QueryResult<R>> {
  return queryNamed<R>(client, `traits-small-${name}`, text, values);
}

// The stage as one array per column (STAGE_COLUMNS order).
function columns(rows: readonly StagedRow[]): unknown[][] {
  const out: unknown[][] = Array.from({ length: SQL.STAGE_ARRAYS }, () => []);
  for (const row of rows) row.forEach((field, i) => out[i].push(field));
  return out;
}

// The small-write path of TraitWriter, inside its transaction; same steps, same rules as
// applyBulk. $1 source_kind, $2 source_ref, $3 run_id in `params`.
export async function applySmall(
  client: PoolClient,
  rows: readonly StagedRow[],
  params: unknown[],
  result: WriteResult,
): Promise<PendingBatch | null> {
  const stage = columns(rows);
  await run(client, 'missing', SQL.CREATE_MISSING_PROFILES, [params[0], ...stage]);
  const observed = await run<{ obs: string | null; prof: string | null }>(
    client,
    'observe',
    SQL.OBSERVE_AND_LOCK,
    stage,
  );
  // Observations that would change nothing are left out; none left: nothing to write.
  const { obs, prof } = observed.rows[0];
  if (obs === null) return null;
  if ((await run(client, 'moved', SQL.IDENTITY_MOVED_WHILE_LOCKING, [obs])).rowCount)
    throw new RetryableConflict('an identity of the batch moved to another profile');
  const fresh = await run<{
    revisions: number;
    bumped: Bumped[];
    late: string | null;
    fed: FeedRowJson[] | null;
  }>(client, 'fresh', SQL.WRITE_FRESH, [...params, obs, prof]);
  result.revisions += fresh.rows[0].revisions;
  const bumped = new Map(fresh.rows[0].bumped.map((b) => [b.id, b]));
  const touched = new Set<string>();
  for (let late = fresh.rows[0].late; late !== null;) {
    const pass = await run<{
      decided: LateDecision[];
      touched: string[];
      remaining: string | null;
    }>(client, 'late', SQL.WRITE_LATE_PASS, [...params, prof, late]);
    noteLateDecisions(pass.rows[0].decided, result);
    for (const id of pass.rows[0].touched) touched.add(id);
    late = pass.rows[0].remaining;
  }
  if (touched.size > 0) {
    const more = await run<Bumped>(client, 'bump', SQL.BUMP_PROFILES, [prof, [...touched]]);
    for (const b of more.rows) bumped.set(b.id, b);
  }
  result.profiles = [...bumped.values()].map((b) => ({
    profileId: b.id,
    revision: Number(b.revision),
  }));
  // Every revision is on the feed: what to announce after the commit. Late passes add corrections
  // to what the fresh writes returned, so then the transaction's changes are read back.
  if (fresh.rows[0].late === null) return returnedChanges(fresh.rows[0].fed);
  return recordedChanges(client, result.revisions);
}
