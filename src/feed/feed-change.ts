// One committed change to the user model, as the change feed carries it (docs/change-feed.md).
// `trait` and `audience` changes move a current value (an audience membership is the boolean
// trait `audience:<slug>`); `correction` is a late observation placed into history without
// moving the current value; `identity` is an identity added to a profile; `merge` and `unmerge`
// say which profiles were joined or split; `erase` says a profile was erased; `event` is an event
// stored for the profile (name: the event name), which changes no value but what audiences over
// event history see.
export const FEED_KINDS = [
  'trait',
  'audience',
  'correction',
  'identity',
  'merge',
  'unmerge',
  'erase',
  'event',
] as const;
export type FeedKind = (typeof FEED_KINDS)[number];

export interface FeedProvenance {
  sourceKind: string;
  sourceRef?: Record<string, unknown>;
  runId?: string | null;
  definitionVersion?: number;
  observedAt?: string;
}

export interface FeedChange {
  // Global, increasing in commit order for any one profile (docs/change-feed.md, "Order").
  position: number;
  profileId: string;
  // The profile's revision this change produced.
  revision: number;
  kind: FeedKind;
  // Trait name (`audience:<slug>` for memberships) or identity type; null for merges and erasures.
  name: string | null;
  before: unknown;
  after: unknown;
  provenance: FeedProvenance | null;
  // When the change was recorded (transaction time).
  at: string;
}

// What a writer records; position, transaction id and time are filled in by the database.
export type FeedRecord = Omit<FeedChange, 'position' | 'at'>;

export interface FeedRow {
  position: string;
  profile_id: string;
  revision: string;
  kind: FeedKind;
  name: string | null;
  before: unknown;
  after: unknown;
  provenance: FeedProvenance | null;
  at: Date;
}

export function toFeedChange(r: FeedRow): FeedChange {
  return {
    position: Number(r.position),
    profileId: r.profile_id,
    revision: Number(r.revision),
    kind: r.kind,
    name: r.name,
    before: r.before,
    after: r.after,
    provenance: r.provenance,
    at: r.at.toISOString(),
  };
}
