import type { Rule } from '../../src/audiences/rule/rule.types';

// The figure's audience: three trait conditions and one event condition (SPEC §3.5b shapes).
export const BENCH_SLUG = 'bench_players';
export const BENCH_RULE: Rule = {
  all: [
    { trait: 'lifetime_value', op: 'gt', value: 50 },
    { trait: 'country', op: 'in', value: ['KH', 'TH'] },
    { trait: 'level', op: 'gte', value: 10 },
    {
      event: 'Order Completed',
      count: { gte: 2 },
      within: '30d',
      where: [{ property: 'revenue', op: 'gt', value: 10 }],
    },
  ],
};
// Evaluations only when asked: a scheduled pass must not land inside a measurement.
export const BENCH_SCHEDULE = '0 0 1 1 *';

// The same rule written by hand as one statement over the same tables, by someone who knows the
// data (no type guards): the ceiling the compiled evaluation is compared with.
// $1 lifetime_value id, $2 country id, $3 level id
export const HAND_WRITTEN = `
SELECT count(*)::int AS n FROM profile p
JOIN trait_value a ON a.profile_id = p.id AND a.trait_id = $1 AND (a.value)::numeric > 50
JOIN trait_value b ON b.profile_id = p.id AND b.trait_id = $2 AND (b.value #>> '{}') IN ('KH', 'TH')
JOIN trait_value c ON c.profile_id = p.id AND c.trait_id = $3 AND (c.value)::numeric >= 10
JOIN (
  SELECT e.profile_id FROM events e
  WHERE e.event = 'Order Completed' AND e.timestamp >= now() - interval '30 days' AND e.timestamp <= now()
    AND (e.properties->>'revenue')::numeric > 10
  GROUP BY e.profile_id HAVING count(*) >= 2
) o ON o.profile_id = p.id
WHERE p.merged_into IS NULL`;
