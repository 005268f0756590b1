import { AUDIENCE_PREFIX } from '../../trait-definitions/rules/reserved-names';
import type { TraitType } from '../../trait-definitions/trait-spec';
import { operandRule, OPS_BY_TYPE, scalarOfType } from './operand-checks';
import { pointerOf, RuleFault } from './rule-fault';
import { conditionsOf, RulePath, TaggedCondition } from './rule-walk';
import { RULE_LIMITS } from './rule.schema';
import type { EventCondition, FunnelCondition, PropertyFilter, Rule } from './rule.types';

export interface RuleTrait {
  type: TraitType;
  values: string[] | null;
  retired: boolean;
}

// What a rule may refer to. `unchecked` means the name cannot be judged here (`defs validate`
// without a database: a trait a dbt manifest declares); the server checks it when it applies.
export interface RuleContext {
  trait(name: string): RuleTrait | undefined | 'unchecked';
  audience(slug: string): 'active' | 'archived' | undefined | 'unchecked';
}

type Report = (path: RulePath, rule: string) => void;

// Checks a rule that has the schema's shape against what it names: trait types and their ops,
// values, other audiences, event counts; plus the size limits.
export function semanticFaults(rule: Rule, ctx: RuleContext): RuleFault[] {
  const faults: RuleFault[] = [];
  const report: Report = (path, text) => faults.push({ pointer: pointerOf(path), rule: text });
  const conditions = conditionsOf(rule);
  if (conditions.length > RULE_LIMITS.conditions)
    report([], `has ${conditions.length} conditions; at most ${RULE_LIMITS.conditions}`);
  const deepest = Math.max(
    ...conditions.map((c) => c.path.filter((s) => typeof s === 'string').length),
  );
  if (deepest > RULE_LIMITS.depth)
    report([], `nests groups ${deepest} deep; at most ${RULE_LIMITS.depth}`);
  for (const c of conditions) checkCondition(c, ctx, report);
  return faults;
}

function checkCondition(c: TaggedCondition, ctx: RuleContext, report: Report): void {
  switch (c.kind) {
    case 'trait':
      return checkTrait(c.condition, c.path, ctx, report);
    case 'audience': {
      const state = ctx.audience(c.condition.audience);
      if (state === undefined)
        report([...c.path, 'audience'], `no audience is named ${c.condition.audience}`);
      else if (state === 'archived')
        report([...c.path, 'audience'], `audience ${c.condition.audience} is archived`);
      return;
    }
    case 'event':
      return checkEvent(c.condition, c.path, report);
    case 'funnel':
      return checkFunnel(c.condition, c.path, report);
    case 'identity':
      return;
  }
}

function checkTrait(
  cond: { trait: string; op: string; value?: unknown },
  path: RulePath,
  ctx: RuleContext,
  report: Report,
): void {
  if (cond.trait.startsWith(AUDIENCE_PREFIX)) {
    return report(
      [...path, 'trait'],
      `membership is read with { "audience": "${cond.trait.slice(AUDIENCE_PREFIX.length)}" }`,
    );
  }
  const def = ctx.trait(cond.trait);
  if (def === undefined) return report([...path, 'trait'], `trait ${cond.trait} is not defined`);
  if (def === 'unchecked') return;
  if (def.retired) return report([...path, 'trait'], `trait ${cond.trait} is retired`);
  const ops = OPS_BY_TYPE[def.type];
  if (!ops.includes(cond.op as never)) {
    return report([...path, 'op'], `a ${def.type} trait takes ${ops.join(', ')}`);
  }
  const present = 'value' in cond;
  const bad = operandRule(cond.op as never, scalarOfType(def.type), cond.value, present);
  if (bad) return report([...path, 'value'], bad);
  if (
    def.type === 'category' &&
    def.values &&
    (cond.op === 'eq' || cond.op === 'ne' || cond.op === 'in')
  ) {
    const given = Array.isArray(cond.value) ? (cond.value as string[]) : [cond.value as string];
    const unknown = given.findIndex((v) => !def.values!.includes(v));
    if (unknown >= 0) {
      const at = Array.isArray(cond.value) ? [...path, 'value', unknown] : [...path, 'value'];
      report(at, `must be one of ${def.values.join(', ')}`);
    }
  }
}

function checkFilters(filters: PropertyFilter[] | undefined, path: RulePath, report: Report): void {
  (filters ?? []).forEach((f, i) => {
    const bad = operandRule(f.op, 'scalar', f.value, 'value' in f);
    if (bad) report([...path, 'where', i, 'value'], bad);
  });
}

function checkEvent(cond: EventCondition, path: RulePath, report: Report): void {
  checkFilters(cond.where, path, report);
  const count = cond.count;
  if (cond.last && (count || cond.within)) {
    report([...path, 'last'], 'cannot be combined with count or within');
  }
  if (!count) return;
  if (count.eq !== undefined && (count.gte !== undefined || count.lte !== undefined)) {
    report([...path, 'count'], 'eq cannot be combined with gte or lte');
  } else if (count.gte !== undefined && count.lte !== undefined && count.gte > count.lte) {
    report([...path, 'count'], 'gte must not be above lte');
  }
}

function checkFunnel(cond: FunnelCondition, path: RulePath, report: Report): void {
  cond.funnel.forEach((step, i) => checkFilters(step.where, [...path, 'funnel', i], report));
  if (cond.then_not) checkFilters(cond.then_not.where, [...path, 'then_not'], report);
  if (cond.funnel.length < 2 && !cond.then_not) {
    report([...path, 'funnel'], 'must list at least 2 steps (or add then_not)');
  }
}
