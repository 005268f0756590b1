import type { PoolClient } from 'pg';
import type { PreparedIdentity } from '../engine/prepare-observation';
import { identityKey } from '../engine/prepare-observation';
import { moveProfileRows, moveRowsByIdentity, rebuildTimelines } from '../merge/rehome';
import { linkOf } from '../resolve/link-hash';
import type { ObservationCause } from '../resolve/observation.types';
import { INSERT_MERGE_LOG } from '../resolve/resolution.sql';
import * as SQL from './unmerge.sql';

export interface ScopeRow {
  type: string;
  value: string;
  profile_id: string;
  seq: string;
}

export interface SplitPlan {
  scope: ScopeRow[];
  groups: string[][];
  // The profile id of each group (existing or new).
  target: string[];
  created: string[];
  dissolved: { from: string; into: string }[];
  revision: string;
  split: PreparedIdentity;
  cause: ObservationCause;
}

// Applies a new partition of the scope: identities move, then every row that arrived through
// them, then timelines and current values are rebuilt and the links holding the split identity
// are stored again without it.
export async function applySplit(
  client: PoolClient,
  plan: SplitPlan,
): Promise<{ touched: string[] }> {
  const next = new Map<string, string>();
  plan.groups.forEach((keys, i) => keys.forEach((k) => next.set(k, plan.target[i])));
  const moved = plan.scope.filter((r) => next.get(identityKey(r.type, r.value)) !== r.profile_id);
  const scopeProfiles = [...new Set(plan.scope.map((r) => r.profile_id))];
  if (plan.created.length > 0)
    await client.query(SQL.INSERT_PROFILES, [plan.created, plan.revision]);
  const stamp = await client.query<{ recorded_at: string }>(SQL.MOVE_IDENTITIES, [
    moved.map((r) => r.type),
    moved.map((r) => r.value),
    moved.map((r) => next.get(identityKey(r.type, r.value))),
  ]);
  await moveRowsByIdentity(client, scopeProfiles);
  if (plan.dissolved.length > 0) {
    const from = plan.dissolved.map((d) => d.from);
    const into = plan.dissolved.map((d) => d.into);
    await moveProfileRows(client, from, into);
    await client.query(SQL.MARK_DISSOLVED, [from, into]);
  }
  const touched = [
    ...new Set([
      ...moved.flatMap((r) => [r.profile_id, next.get(identityKey(r.type, r.value))!]),
      ...plan.dissolved.map((d) => d.from),
    ]),
  ];
  await rebuildTimelines(client, touched, touched);
  await client.query(SQL.SET_REVISION, [touched, plan.revision]);
  await logSplit(client, plan, moved, next, stamp.rows[0].recorded_at);
  await relinkWithout(client, plan.split);
  return { touched };
}

async function logSplit(
  client: PoolClient,
  plan: SplitPlan,
  moved: ScopeRow[],
  next: Map<string, string>,
  recordedAt: string,
): Promise<void> {
  const pairs = new Map<
    string,
    { from: string; into: string; identities: { type: string; value: string }[] }
  >();
  for (const r of moved) {
    const into = next.get(identityKey(r.type, r.value))!;
    const key = `${r.profile_id}>${into}`;
    if (!pairs.has(key)) pairs.set(key, { from: r.profile_id, into, identities: [] });
    pairs.get(key)!.identities.push({ type: r.type, value: r.value });
  }
  const rows = [...pairs.values()];
  if (rows.length === 0) return;
  const at = plan.cause.at ?? new Date();
  await client.query(INSERT_MERGE_LOG, [
    rows.map(() => 'unmerge'),
    rows.map((r) => r.from),
    rows.map((r) => r.into),
    rows.map((r) => JSON.stringify(r.identities)),
    rows.map(() => plan.cause.kind),
    rows.map(() => plan.cause.ref ?? null),
    rows.map(() => 'unmerge'),
    rows.map(() => at),
    recordedAt,
  ]);
}

interface RetiredLink {
  position: string;
  forced: boolean;
  cause_kind: string;
  cause_ref: string | null;
  first_seen_at: Date;
  types: string[];
  values: string[];
}

// Later replays keep the split: links holding the identity are retired, the rest of each is
// linked again at the same place in the replay order. A new observation may link it again.
async function relinkWithout(client: PoolClient, x: PreparedIdentity): Promise<void> {
  const retired = await client.query<RetiredLink>(SQL.RETIRE_LINKS_OF, [x.type, x.value]);
  const rests = new Map<
    string,
    { link: RetiredLink; members: { type: string; value: string }[] }
  >();
  for (const link of retired.rows) {
    const members = link.types
      .map((type, i) => ({ type, value: link.values[i] }))
      .filter((m) => m.type !== x.type || m.value !== x.value);
    if (members.length < 2) continue;
    const rest = linkOf(members, link.forced);
    const seen = rests.get(rest.hash);
    if (!seen || BigInt(link.position) < BigInt(seen.link.position))
      rests.set(rest.hash, { link, members: rest.members });
  }
  // A handful per unmerge: one statement each.
  for (const [hash, { link, members: sorted }] of rests) {
    await client.query(SQL.RELINK_REST, [
      hash,
      link.position,
      link.forced,
      link.cause_kind,
      link.cause_ref,
      link.first_seen_at,
      sorted.map((m) => m.type),
      sorted.map((m) => m.value),
    ]);
  }
}
