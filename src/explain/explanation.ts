import type { MergeLogEntryModel } from '../identity/graphql/identity.models';
import type { HistoricalRef } from '../profiles/profile-ref';
import type { TraitView } from '../profiles/trait-view';
import type { TraitDefinitionVersionModel } from '../trait-definitions/trait-definition.model';

// What explain(identity, at, knownAt) resolved: the profile the identity was on at `at`, read as
// of `at` and as known at `knownAt` (default `at`); the corrections are what was recorded after
// `knownAt`, up to `askedAt` (what is known when asked).
export interface Explanation {
  at: Date;
  knownAt: Date;
  askedAt: Date;
  profile: HistoricalRef;
}

// Merges and unmerges take effect when recorded: the identity graph explained is the one of
// min(at, knownAt), as on a profile read (read-instants.ts).
export const graphAtOf = (e: Explanation): Date => (e.knownAt < e.at ? e.knownAt : e.at);

export const CHANGES_WINDOW_MS = 24 * 60 * 60 * 1000;

// A value served at `at` (ExplainedValue in GraphQL).
export interface ExplainedValue {
  trait: TraitView;
  definition: TraitDefinitionVersionModel | null;
  merge: MergeLogEntryModel | null;
}
