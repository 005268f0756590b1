import type { MergeLogEntryModel } from '../identity/graphql/identity.models';
import type { HistoricalRef } from '../profiles/profile-ref';
import type { TraitView } from '../profiles/trait-view';
import type { TraitDefinitionVersionModel } from '../trait-definitions/trait-definition.model';

// What explain(identity, at) resolved: the profile the identity was on at `at`, read as of `at`
// and as known at `at`; `askedAt` bounds the later corrections (what is known when asked).
export interface Explanation {
  at: Date;
  askedAt: Date;
  profile: HistoricalRef;
}

export const CHANGES_WINDOW_MS = 24 * 60 * 60 * 1000;

// A value served at `at` (ExplainedValue in GraphQL).
export interface ExplainedValue {
  trait: TraitView;
  definition: TraitDefinitionVersionModel | null;
  merge: MergeLogEntryModel | null;
}
