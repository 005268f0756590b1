import type { PoolClient } from 'pg';
import { queryNamed } from '../../database/pg-pool';
import type { FeedRecord } from '../../feed/feed-change';
import { RecordedSummary, recordedBy, recordsJson } from '../../feed/feed-recorder';
import type { PendingBatch } from '../../feed/live-batch';
import { causeProvenance, identityAdded, mergeRecord } from '../changes/identity-feed';
import { RetryableConflict } from '../concurrency/retry';
import { moveMerged, rebuildTimelines } from '../merge/rehome';
import type { BatchPlan } from './batch-plan';
import * as SQL from './resolution.sql';

export interface PlanContext {
  // Revisions of the locked (existing) profiles; a created profile starts at 0.
  revisions: ReadonlyMap<string, bigint>;
  // The replay position reserved for each observation of the batch, by index.
  seqs: readonly string[];
  now: Date;
}

interface NextRevision {
  revision: bigint;
  mergedInto: string | null;
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);

// The observations of a batch mostly share a few instants: each is formatted once.
function isoCache(): (d: Date) => string {
  const seen = new Map<number, string>();
  return (d) => {
    const t = d.getTime();
    let s = seen.get(t);
    if (s === undefined) seen.set(t, (s = d.toISOString()));
    return s;
  };
}

// Merged profiles get revision + 1; a profile that changed gets one more than itself and than
// every profile merged into it, so a reader never sees a survivor's revision go back. Each merge
// and each identity added is a change on the feed.
function nextRevisions(
  plan: BatchPlan,
  ctx: PlanContext,
): { next: Map<string, NextRevision>; changes: FeedRecord[] } {
  const rev = (id: string) => ctx.revisions.get(id) ?? 0n;
  const next = new Map<string, NextRevision>();
  const floors = new Map<string, bigint>();
  const mergedFrom = new Map<string, string[]>();
  const changes: FeedRecord[] = [];
  for (const m of plan.merges) {
    const revision = rev(m.from) + 1n;
    next.set(m.from, { revision, mergedInto: m.final });
    floors.set(m.final, max(floors.get(m.final) ?? 0n, revision));
    mergedFrom.set(m.final, [...(mergedFrom.get(m.final) ?? []), m.from]);
    changes.push(
      mergeRecord(m.from, revision, { mergedInto: m.final }, causeProvenance(m.cause, m.rule)),
    );
  }
  for (const id of plan.changed) {
    const revision = max(rev(id), floors.get(id) ?? 0n) + 1n;
    next.set(id, { revision, mergedInto: null });
    const from = mergedFrom.get(id);
    const last = from && plan.merges.findLast((m) => m.final === id);
    if (from && last) {
      changes.push(
        mergeRecord(id, revision, { mergedFrom: from }, causeProvenance(last.cause, last.rule)),
      );
    }
  }
  for (const i of plan.newIdentities) {
    const revision = next.get(i.profileId)?.revision ?? 0n;
    changes.push(identityAdded(i.profileId, revision, i, { kind: i.sourceKind }));
  }
  return { next, changes };
}

// Applies a planned batch inside the caller's transaction (profiles locked, positions reserved):
// when profiles merge, their rows move and the survivors' timelines are rebuilt; then one
// statement writes everything else, the batch's changes on the feed included. Returns what to
// announce after the commit.
export async function applyPlan(
  client: PoolClient,
  plan: BatchPlan,
  ctx: PlanContext,
): Promise<PendingBatch | null> {
  const { next, changes } = nextRevisions(plan, ctx);
  let recordedAt: string | null = null;
  if (plan.merges.length > 0) {
    const from = plan.merges.map((m) => m.from);
    const into = plan.merges.map((m) => m.final);
    recordedAt = await moveMerged(client, from, into);
    const finals = [...new Set(into)];
    await rebuildTimelines(client, finals, [...finals, ...from]);
  }
  const created = new Set(plan.created);
  const iso = isoCache();
  const rows = (id: string) => ({
    id,
    revision: String(next.get(id)?.revision ?? 0n),
    merged_into: next.get(id)?.mergedInto ?? null,
  });
  const res = await queryNamed<{ inserted: number } & RecordedSummary>(
    client,
    'identity-apply',
    SQL.APPLY,
    [
      JSON.stringify(plan.created.map(rows)),
      JSON.stringify(
        plan.newIdentities.map((r) => ({
          type: r.type,
          value: r.value,
          profile_id: r.profileId,
          source_kind: r.sourceKind,
          first_seen_at: iso(r.firstAt),
          last_seen_at: iso(r.lastAt),
          seq: ctx.seqs[r.observation],
        })),
      ),
      JSON.stringify(plan.seen),
      JSON.stringify([...next.keys()].filter((id) => !created.has(id)).map(rows)),
      JSON.stringify(
        plan.links.map((l) => ({
          hash: l.hash,
          forced: l.forced,
          cause_kind: l.cause.kind,
          cause_ref: l.cause.ref ?? null,
          first_seen_at: iso(l.at),
          position: ctx.seqs[l.observation],
          member_types: l.members.map((m) => m.type),
          member_values: l.members.map((m) => m.value),
        })),
      ),
      JSON.stringify(
        plan.violations.map((v) => ({
          kind: v.kind,
          identity_type: v.type,
          identity_value: v.value,
          profile_id: v.profileId,
          target_profile_id: v.targetProfileId,
          limit_type: v.limitType,
          limit_value: v.limit,
          would_be: v.wouldBe,
          cause_kind: v.cause.kind,
          cause_ref: v.cause.ref ?? null,
          occurrences: v.occurrences,
          first_seen_at: v.firstAt,
          last_seen_at: v.lastAt,
        })),
      ),
      JSON.stringify(
        plan.merges.map((m) => ({
          kind: 'merge',
          from_profile_id: m.from,
          into_profile_id: m.into,
          identities: m.identities,
          cause_kind: m.cause.kind,
          cause_ref: m.cause.ref ?? null,
          rule: m.rule,
          at: iso(m.at),
          recorded_at: recordedAt,
        })),
      ),
      recordsJson(changes),
    ],
  );
  // Another writer created one of the identities since we read: decide again from what is there now.
  if (res.rows[0].inserted !== plan.newIdentities.length) {
    throw new RetryableConflict('an identity was created concurrently');
  }
  return recordedBy(res.rows[0]);
}
