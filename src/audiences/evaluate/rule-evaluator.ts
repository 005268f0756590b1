import { AUDIENCE_PREFIX } from '../../trait-definitions/rules/reserved-names';
import {
  AllGroup,
  AnyGroup,
  AudienceCondition,
  EventCondition,
  FunnelCondition,
  IdentityCondition,
  kindOf,
  NotGroup,
  Rule,
  TraitCondition,
} from '../rule/rule.types';
import { eventMatches, funnelMatches } from './events-match';
import type { ProfileFacts } from './profile-facts';
import { valueMatches } from './value-match';

// Evaluates a (checked) rule for one profile in memory, with the same meaning as the SQL the
// compiler makes of it (compile/rule-sql.ts): the reference the compiler is tested against, and
// what answers "does this profile match?" without a query.
export function evaluateRule(rule: Rule, facts: ProfileFacts, asOf: Date): boolean {
  switch (kindOf(rule)) {
    case 'all':
      return (rule as AllGroup).all.every((r) => evaluateRule(r, facts, asOf));
    case 'any':
      return (rule as AnyGroup).any.some((r) => evaluateRule(r, facts, asOf));
    case 'not':
      return !evaluateRule((rule as NotGroup).not, facts, asOf);
    case 'trait': {
      const c = rule as TraitCondition;
      return valueMatches(facts.traits.get(c.trait), c.op, c.value, asOf);
    }
    case 'audience': {
      const slug = (rule as AudienceCondition).audience;
      return facts.traits.get(`${AUDIENCE_PREFIX}${slug}`) === true;
    }
    case 'identity': {
      const c = rule as IdentityCondition;
      return facts.identities.has(c.identity) === (c.op !== 'missing');
    }
    case 'event':
      return eventMatches(rule as EventCondition, facts.events, asOf);
    case 'funnel':
      return funnelMatches(rule as FunnelCondition, facts.events, asOf);
  }
}
