import type { SourceRef } from './provenance';

// A trait revision as read back, with the provenance every read path exposes.
export interface StoredValue {
  profileId: string;
  traitId: number;
  value: unknown;
  validFrom: Date;
  validTo: Date | null;
  lastObservedAt: Date;
  definitionVersion: number;
  sourceKind: string;
  sourceRef: SourceRef;
  runId: string | null;
  ingestedAt: Date;
  identity: { type: string; value: string };
  profileRevision: number;
}

// Today's profile with its current values, read together.
export interface CurrentProfile {
  id: string;
  revision: number;
  values: StoredValue[];
}

export interface StoredValueRow {
  profile_id: string;
  trait_id: number;
  value: unknown;
  valid_from: Date;
  valid_to: Date | null;
  last_observed_at: Date;
  definition_version: number;
  source_kind: string;
  source_ref: SourceRef;
  run_id: string | null;
  ingested_at: Date;
  identity_type: string;
  identity_value: string;
  profile_revision: string;
}

export function toStoredValue(r: StoredValueRow): StoredValue {
  return {
    profileId: r.profile_id,
    traitId: r.trait_id,
    value: r.value,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    lastObservedAt: r.last_observed_at,
    definitionVersion: r.definition_version,
    sourceKind: r.source_kind,
    sourceRef: r.source_ref,
    runId: r.run_id,
    ingestedAt: r.ingested_at,
    identity: { type: r.identity_type, value: r.identity_value },
    profileRevision: Number(r.profile_revision),
  };
}
