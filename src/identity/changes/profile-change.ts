// One committed change to a profile's identities, as published on the change feed
// (channel traitbase:<schema>:changes). Ids only: never identity values or trait values.
export interface ProfileChange {
  profileId: string;
  revision: number;
  kind: 'merge' | 'unmerge' | 'identity';
  // merge: the profile this one was merged into (on the merged-away profile) …
  mergedInto?: string;
  // … or the profiles merged into this one (on the survivor).
  mergedFrom?: string[];
  // unmerge: the profile the split started from (on every profile of the split).
  splitFrom?: string;
  at: string;
}
