import type { IdentityRules } from '../config/identity-rules';
import { applyPrepared, ObservationOutcome } from '../engine/apply-observation';
import type { PartitionState } from '../engine/partition-state';
import type { PreparedObservation } from '../engine/prepare-observation';
import { linkOf } from './link-hash';
import type { IdentityRefOut, ObservationCause, ObserveResult } from './observation.types';

export interface PlannedObservation {
  prepared: PreparedObservation;
  cause: ObservationCause;
  at: Date;
  // A forced manual merge ignores the limits; its link is replayed as forced.
  forced?: boolean;
  rule?: string;
}

export interface PlannedMerge {
  from: string;
  into: string;
  // The profile `from` ends up in at the end of the batch.
  final: string;
  identities: IdentityRefOut[];
  cause: ObservationCause;
  at: Date;
  rule: string;
}

export interface PlannedViolation {
  kind: string;
  type: string;
  value: string;
  profileId: string;
  targetProfileId: string;
  limitType: string;
  limit: number;
  wouldBe: number;
  cause: ObservationCause;
  occurrences: number;
  firstAt: Date;
  lastAt: Date;
}

export interface PlannedLink {
  // The observation that first saw the set (its replay position is reserved at apply time).
  observation: number;
  hash: string;
  forced: boolean;
  // In stored order (sortedMembers).
  members: IdentityRefOut[];
  cause: ObservationCause;
  at: Date;
}

export interface NewIdentity {
  type: string;
  value: string;
  profileId: string;
  sourceKind: string;
  firstAt: Date;
  lastAt: Date;
  // The observation that created it: identities and links of one observation share a replay position.
  observation: number;
}

export interface BatchPlan {
  results: ObserveResult[];
  created: string[];
  newIdentities: NewIdentity[];
  seen: { type: string; value: string; at: Date }[];
  merges: PlannedMerge[];
  // Live profiles whose identities changed (attached, created or merged into).
  changed: Set<string>;
  violations: PlannedViolation[];
  links: PlannedLink[];
}

const ref = (i: { type: string; value: string }): IdentityRefOut => ({
  type: i.type,
  value: i.value,
});

// Runs the rule engine over a batch, in order, against the loaded state, and turns the outcomes
// into what the database has to do. Profile ids are resolved to the survivors at the end of the batch.
export function planBatch(
  state: PartitionState,
  items: readonly PlannedObservation[],
  rules: IdentityRules,
): BatchPlan {
  const sightings = new Map<
    string,
    { type: string; value: string; known: boolean; first: Date; last: Date }
  >();
  for (const item of items) {
    for (const id of item.prepared.identities) {
      const s = sightings.get(id.key);
      if (!s)
        sightings.set(id.key, {
          type: id.type,
          value: id.value,
          known: state.profileOf(id.key) !== undefined,
          first: item.at,
          last: item.at,
        });
      else if (item.at > s.last) s.last = item.at;
    }
  }
  const outcomes: ObservationOutcome[] = items.map((item) =>
    applyPrepared(state, item.prepared, rules, { force: item.forced }),
  );
  const plan: BatchPlan = {
    results: [],
    created: outcomes.flatMap((o) => o.created),
    newIdentities: [],
    seen: [],
    merges: [],
    changed: new Set(),
    violations: [],
    links: [],
  };
  for (const s of sightings.values())
    if (s.known) plan.seen.push({ type: s.type, value: s.value, at: s.last });
  const violations = new Map<string, PlannedViolation>();
  const links = new Map<string, PlannedLink>();
  outcomes.forEach((o, n) => {
    const item = items[n];
    for (const a of o.attached) {
      const s = sightings.get(a.identity.key)!;
      const profileId = state.find(a.profileId);
      plan.newIdentities.push({
        type: a.identity.type,
        value: a.identity.value,
        profileId,
        sourceKind: item.cause.kind,
        firstAt: item.at,
        lastAt: s.last,
        observation: n,
      });
      plan.changed.add(profileId);
    }
    for (const m of o.merges) {
      const final = state.find(m.into);
      plan.merges.push({
        ...m,
        final,
        identities: o.identities.map(ref),
        cause: item.cause,
        at: item.at,
        rule: item.rule ?? 'observed-together',
      });
      plan.changed.add(final);
    }
    for (const v of o.violations) {
      const row = {
        kind: v.kind,
        type: v.identity.type,
        value: v.identity.value,
        profileId: state.find(v.profileId),
        targetProfileId: state.find(v.targetProfileId),
      };
      const key = [row.type, row.value, row.targetProfileId, v.limitType].join('\u0000');
      const seen = violations.get(key);
      if (seen) {
        seen.occurrences += 1;
        seen.lastAt = item.at > seen.lastAt ? item.at : seen.lastAt;
      } else {
        violations.set(key, {
          ...row,
          limitType: v.limitType,
          limit: v.limit,
          wouldBe: v.wouldBe,
          cause: item.cause,
          occurrences: 1,
          firstAt: item.at,
          lastAt: item.at,
        });
      }
    }
    if (o.identities.length >= 2) {
      const link = linkOf(o.identities, item.forced === true);
      if (!links.has(link.hash)) {
        links.set(link.hash, {
          observation: n,
          hash: link.hash,
          forced: item.forced === true,
          members: link.members.map(ref),
          cause: item.cause,
          at: item.at,
        });
      }
    }
    plan.results.push(toResult(state, o));
  });
  plan.violations = [...violations.values()];
  plan.links = [...links.values()];
  return plan;
}

function toResult(state: PartitionState, o: ObservationOutcome): ObserveResult {
  return {
    profileId: o.profileId === null ? null : state.find(o.profileId),
    created: o.profileId !== null && o.created.includes(o.profileId),
    merged: o.merges.map((m) => ({ from: m.from, into: m.into })),
    violations: o.violations.map((v) => ({
      kind: v.kind,
      identity: ref(v.identity),
      profileId: state.find(v.profileId),
      targetProfileId: state.find(v.targetProfileId),
      limitType: v.limitType,
      limit: v.limit,
    })),
    dropped: o.dropped.map((d) => ({ index: d.index, reason: d.reason })),
    noop: o.identities.length === 0,
  };
}
