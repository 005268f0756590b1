import type { Rule } from '../rule/rule.types';
import type { CompileTarget } from './compile-target';
import { ruleSql, universeSql } from './rule-sql';
import type { SqlParams } from './sql-params';

// One statement, from one snapshot: who matches the rule now (m), who is recorded as a member
// (c, the membership trait's current value true), and the difference — entries (member true) and
// exits (member false), each with an identity of the profile for the write path. One extra row
// with profile_id NULL carries the size. Profiles without an identity (merged away) cannot be
// written and are left out. `limit` caps the difference rows returned.
export function membershipDiffSql(
  rule: Rule,
  t: CompileTarget,
  params: SqlParams,
  membershipTraitId: number,
  limit?: number,
): string {
  const universe = universeSql(t, params);
  const predicate = ruleSql(rule, t, params);
  const trait = params.add(membershipTraitId, 'int');
  const scoped = t.scope ? ` AND x.profile_id = ANY(${t.scope})` : '';
  return `
WITH m AS MATERIALIZED (SELECT p.id FROM profile p WHERE ${universe} AND ${predicate}),
c AS MATERIALIZED (
  SELECT x.profile_id FROM trait_value x
  WHERE x.trait_id = ${trait} AND x.value = 'true'::jsonb${scoped}
),
-- A full join is always a hash or merge join: linear however wrong the estimates of m and c.
d AS (
  SELECT coalesce(m.id, c.profile_id) AS profile_id, m.id IS NOT NULL AS member
  FROM m FULL JOIN c ON c.profile_id = m.id
  WHERE m.id IS NULL OR c.profile_id IS NULL
)
SELECT NULL::uuid AS profile_id, NULL::boolean AS member, NULL::text AS id_type, NULL::text AS id_value,
       (SELECT count(*) FROM m)::int AS size
UNION ALL
(SELECT d.profile_id, d.member, i.type, i.value, NULL FROM d
CROSS JOIN LATERAL (
  SELECT i.type, i.value FROM identity i WHERE i.profile_id = d.profile_id ORDER BY i.seq LIMIT 1
) i${limit === undefined ? '' : ` LIMIT ${params.add(limit, 'int')}`})`;
}

export interface DiffRow {
  profile_id: string | null;
  member: boolean | null;
  id_type: string | null;
  id_value: string | null;
  size: number | null;
}

// The profiles that match the rule (a count, or a page of them in id order).
export function membersSql(rule: Rule, t: CompileTarget, params: SqlParams): string {
  return `SELECT p.id FROM profile p WHERE ${universeSql(t, params)} AND ${ruleSql(rule, t, params)}`;
}
