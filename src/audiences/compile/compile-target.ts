// What a rule is compiled against: the evaluation time, whether to read the past, which profiles.
export interface CompileTarget {
  // The evaluation time: windows are measured back from it; no later event counts.
  asOf: Date;
  // Read trait values in force at asOf (trait_revision) and identities seen by then, instead of
  // the current values (a preview as of a past moment).
  historical: boolean;
  // A uuid[] parameter (e.g. "$1::uuid[]") when only these profiles are evaluated (incremental):
  // aggregates are then computed over their events only.
  scope: string | null;
  // Trait ids by name, and the membership trait of another audience by its slug.
  traitId(name: string): number;
  membershipTraitId(slug: string): number;
}
