import { conditionsOf } from './rule-walk';
import type { Rule } from './rule.types';

// The audiences a rule reads.
export function audiencesRead(rule: Rule): string[] {
  return conditionsOf(rule).flatMap((c) => (c.kind === 'audience' ? [c.condition.audience] : []));
}

// The traits a rule reads (membership of other audiences aside).
export function traitsRead(rule: Rule): string[] {
  return conditionsOf(rule).flatMap((c) => (c.kind === 'trait' ? [c.condition.trait] : []));
}
