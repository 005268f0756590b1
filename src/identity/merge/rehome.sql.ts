import type { ProfileOwnedTable } from './profile-owned-tables';

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

// Every move also filters on \`= ANY($1)\`: the join alone lets the planner hash the whole table
// (a sequential scan of every identity, revision or event) where an index scan of the moved
// profiles' rows is what it takes.
// Merge, in one statement: the identities and every profile-owned row of each merged profile move
// to the profile it was merged into; each identity's move is recorded (identity_move), stamped
// with the statement's start — the profiles are locked by then — and the stamp is returned (as
// text: microseconds, which a Date would cut) for the merge log.
// $1 merged profile ids, $2 the profile each was merged into
export function moveMergedRows(tables: readonly ProfileOwnedTable[]): string {
  const moves = tables.map((t, i) => {
    const p = q(t.profileColumn);
    return `t${i} AS (UPDATE ${q(t.table)} x SET ${p} = m.into_id FROM m
    WHERE x.${p} = m.from_id AND x.${p} = ANY($1::uuid[]))`;
  });
  return `WITH m AS (SELECT * FROM unnest($1::uuid[], $2::uuid[]) AS m(from_id, into_id)),
ids AS (UPDATE identity SET profile_id = m.into_id FROM m
  WHERE identity.profile_id = m.from_id AND identity.profile_id = ANY($1::uuid[])
  RETURNING identity.type, identity.value, m.from_id, m.into_id),
dated AS (INSERT INTO identity_move (type, value, from_profile_id, to_profile_id, recorded_at)
  SELECT type, value, from_id, into_id, statement_timestamp() FROM ids)${moves.map((s) => `,\n${s}`).join('')}
SELECT statement_timestamp()::text AS recorded_at`;
}

// Unmerge: rows of the split profiles move to the profile their identity is on now (null for a
// table that does not record identities: its rows stay with the profile id).
// $1 the profiles of the unmerge scope
export function moveByIdentity(t: ProfileOwnedTable): string | null {
  if (!t.identity) return null;
  const p = q(t.profileColumn);
  const { typeColumn, valueColumn } = t.identity;
  return `UPDATE ${q(t.table)} x SET ${p} = i.profile_id
FROM identity i
WHERE x.${p} = ANY($1::uuid[]) AND i.type = x.${q(typeColumn)} AND i.value = x.${q(valueColumn)}
  AND i.profile_id <> x.${p}`;
}

// Unmerge: rows left on a dissolved profile follow it. $1 dissolved ids, $2 the profile each joins
export function moveByProfile(t: ProfileOwnedTable): string {
  const p = q(t.profileColumn);
  return `UPDATE ${q(t.table)} x SET ${p} = m.into_id
FROM unnest($1::uuid[], $2::uuid[]) AS m(from_id, into_id)
WHERE x.${p} = m.from_id AND x.${p} = ANY($1::uuid[])`;
}
