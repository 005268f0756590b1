import { canReadTrait, Principal } from '../api-keys/scopes';
import type { TraitDef } from '../trait-definitions/trait-def';
import type { StoredValue } from '../traits/stored-value';
import { traitStatus, TraitStatus } from '../traits/trait-status';

export interface ProvenanceView {
  sourceKind: string;
  sourceRef: Record<string, unknown>;
  runId: string | null;
  definitionVersion: number;
  modelVersion: string | null;
  observedAt: Date;
  ingestedAt: Date;
  identity: { type: string; value: string };
}

export interface TraitView {
  name: string;
  type: string;
  value: unknown;
  updatedAt: Date | null;
  status: TraitStatus;
  provenance: ProvenanceView | null;
}

export function provenanceOf(s: StoredValue): ProvenanceView {
  const modelVersion = s.sourceRef?.modelVersion;
  return {
    sourceKind: s.sourceKind,
    sourceRef: s.sourceRef,
    runId: s.runId,
    definitionVersion: s.definitionVersion,
    modelVersion: typeof modelVersion === 'string' ? modelVersion : null,
    observedAt: s.validFrom,
    ingestedAt: s.ingestedAt,
    identity: s.identity,
  };
}

export function toTraitView(def: TraitDef, stored: StoredValue | undefined, at: Date): TraitView {
  return {
    name: def.name,
    type: def.type,
    value: stored?.value ?? null,
    updatedAt: stored?.validFrom ?? null,
    status: traitStatus(def, stored, at),
    provenance: stored ? provenanceOf(stored) : null,
  };
}

// The traits a key may see: without names, every visible trait that has a value (retired ones
// only when reading the past); with names, each visible named trait, `missing` when it has no value.
export function visibleTraitViews(
  principal: Principal,
  defsById: ReadonlyMap<number, TraitDef>,
  defsByName: ReadonlyMap<string, TraitDef | undefined>,
  stored: StoredValue[],
  names: string[] | undefined,
  at: Date,
  historical: boolean,
): TraitView[] {
  const byTrait = new Map(stored.map((s) => [s.traitId, s]));
  if (names) {
    return names
      .map((n) => defsByName.get(n))
      .filter((d): d is TraitDef => !!d && canReadTrait(principal, d) && (historical || !d.retired))
      .map((d) => toTraitView(d, byTrait.get(d.id), at));
  }
  return stored
    .map((s) => defsById.get(s.traitId))
    .filter((d): d is TraitDef => !!d && canReadTrait(principal, d) && (historical || !d.retired))
    .map((d) => toTraitView(d, byTrait.get(d.id), at))
    .sort((a, b) => a.name.localeCompare(b.name));
}

// The first moment (ms) after `now` at which the status of one of these values changes (a value
// turns stale); Infinity when none will.
export function statusChangeAt(
  defsById: ReadonlyMap<number, TraitDef>,
  stored: readonly StoredValue[],
  now: Date,
): number {
  let at = Infinity;
  for (const s of stored) {
    const freshness = defsById.get(s.traitId)?.freshnessSeconds;
    if (freshness === null || freshness === undefined || s.value === null) continue;
    // traitStatus: stale once now - lastObservedAt > freshness.
    const stale = s.lastObservedAt.getTime() + freshness * 1000 + 1;
    if (stale > now.getTime() && stale < at) at = stale;
  }
  return at;
}
