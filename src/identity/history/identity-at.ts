import type { MergeLogEntryModel } from '../graphql/identity.models';

// An identity of a profile at some (valid, known) instant, as IdentityHistory reads it.
export interface IdentityAt {
  type: string;
  value: string;
  sourceKind: string;
  firstSeenAt: Date;
  // It joined the profile by a merge or unmerge (else it was recorded there).
  moved: boolean;
  // When it joined: fixed-width UTC text with microseconds ('-infinity' when known since always).
  joinedAt: string;
}

export interface MergeLogRow {
  id: string;
  kind: string;
  from_profile_id: string;
  into_profile_id: string;
  identities: { type: string; value: string }[];
  cause_kind: string;
  cause_ref: string | null;
  rule: string;
  at: Date;
  recorded_at: Date;
}

export function mergeLogEntryOf(row: MergeLogRow): MergeLogEntryModel {
  return {
    kind: row.kind,
    fromProfileId: row.from_profile_id,
    intoProfileId: row.into_profile_id,
    identities: row.identities,
    cause: { kind: row.cause_kind, ref: row.cause_ref },
    rule: row.rule,
    at: row.at,
    recordedAt: row.recorded_at,
  };
}
