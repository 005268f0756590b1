import type { FeedProvenance, FeedRecord } from '../../feed/feed-change';
import type { ObservationCause } from '../resolve/observation.types';

// How identity changes read on the change feed (docs/change-feed.md): an identity added to a
// profile (name: its type, after: its value — masked like any identity by every reader), the two
// sides of a merge, and every profile of an unmerge.
export function causeProvenance(cause: ObservationCause, rule?: string): FeedProvenance {
  return {
    sourceKind: cause.kind,
    sourceRef: { ref: cause.ref ?? null, ...(rule ? { rule } : {}) },
  };
}

export function identityAdded(
  profileId: string,
  revision: bigint,
  identity: { type: string; value: string },
  cause: ObservationCause,
): FeedRecord {
  return {
    profileId,
    revision: Number(revision),
    kind: 'identity',
    name: identity.type,
    before: null,
    after: identity.value,
    provenance: causeProvenance(cause),
  };
}

export function mergeRecord(
  profileId: string,
  revision: bigint,
  after: { mergedInto: string } | { mergedFrom: string[] },
  provenance: FeedProvenance,
): FeedRecord {
  return {
    profileId,
    revision: Number(revision),
    kind: 'merge',
    name: null,
    before: null,
    after,
    provenance,
  };
}

export function unmergeRecord(
  profileId: string,
  revision: bigint,
  splitFrom: string,
  cause: ObservationCause,
): FeedRecord {
  return {
    profileId,
    revision: Number(revision),
    kind: 'unmerge',
    name: null,
    before: null,
    after: { splitFrom },
    provenance: causeProvenance(cause, 'unmerge'),
  };
}
