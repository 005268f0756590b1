// Tables whose rows belong to a profile and must follow it through merges and unmerges — the one
// place to list them. A merge moves every row of the merged profile; an unmerge moves each row to
// the profile of the identity it arrived through, so a table with identity columns splits exactly,
// and one without them stays with the profile id that survives the split.
// trait_value is not here: it is derived from trait_revision and rebuilt (timelines.sql.ts).
export interface ProfileOwnedTable {
  table: string;
  profileColumn: string;
  // The identity the row arrived through, when the table records it.
  identity: { typeColumn: string; valueColumn: string } | null;
}

export const PROFILE_OWNED_TABLES: readonly ProfileOwnedTable[] = [
  {
    table: 'trait_revision',
    profileColumn: 'profile_id',
    identity: { typeColumn: 'identity_type', valueColumn: 'identity_value' },
  },
  // Ingested events (src/events): each row records the identity it arrived through.
  {
    table: 'events',
    profileColumn: 'profile_id',
    identity: { typeColumn: 'identity_type', valueColumn: 'identity_value' },
  },
];
