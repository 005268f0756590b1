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
