import {
  AudienceCondition,
  Condition,
  EventCondition,
  FunnelCondition,
  IdentityCondition,
  kindOf,
  Rule,
  TraitCondition,
} from './rule.types';

export type RulePath = (string | number)[];

export type TaggedCondition =
  | { kind: 'trait'; condition: TraitCondition; path: RulePath }
  | { kind: 'identity'; condition: IdentityCondition; path: RulePath }
  | { kind: 'audience'; condition: AudienceCondition; path: RulePath }
  | { kind: 'event'; condition: EventCondition; path: RulePath }
  | { kind: 'funnel'; condition: FunnelCondition; path: RulePath };

// Every condition of a (valid) rule with its path, in document order.
export function conditionsOf(rule: Rule, path: RulePath = []): TaggedCondition[] {
  const kind = kindOf(rule);
  if (kind === 'all' || kind === 'any') {
    const children = (rule as Record<typeof kind, Rule[]>)[kind];
    return children.flatMap((child, i) => conditionsOf(child, [...path, kind, i]));
  }
  if (kind === 'not') return conditionsOf((rule as { not: Rule }).not, [...path, 'not']);
  return [{ kind, condition: rule as Condition, path } as TaggedCondition];
}

// What a rule reads: membership changes of a profile follow changes of these.
export interface RuleDependencies {
  traits: Set<string>;
  identities: Set<string>;
  events: Set<string>;
  audiences: Set<string>;
  // Some condition is measured back from the evaluation time, so membership can change while no
  // input does: the audience needs scheduled evaluations.
  timeDependent: boolean;
}

export function dependenciesOf(rule: Rule): RuleDependencies {
  const deps: RuleDependencies = {
    traits: new Set(),
    identities: new Set(),
    events: new Set(),
    audiences: new Set(),
    timeDependent: false,
  };
  for (const c of conditionsOf(rule)) {
    switch (c.kind) {
      case 'trait':
        deps.traits.add(c.condition.trait);
        if (c.condition.op === 'within_last' || c.condition.op === 'more_than_ago')
          deps.timeDependent = true;
        break;
      case 'identity':
        deps.identities.add(c.condition.identity);
        break;
      case 'audience':
        deps.audiences.add(c.condition.audience);
        break;
      case 'event':
        deps.events.add(c.condition.event);
        if (c.condition.within || c.condition.last) deps.timeDependent = true;
        break;
      case 'funnel':
        for (const step of c.condition.funnel) deps.events.add(step.event);
        if (c.condition.then_not) deps.events.add(c.condition.then_not.event);
        if (c.condition.then_not || c.condition.lookback) deps.timeDependent = true;
        break;
    }
  }
  return deps;
}
