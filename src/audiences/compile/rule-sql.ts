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
  TraitOp,
} from '../rule/rule.types';
import type { CompileTarget } from './compile-target';
import { eventSql, funnelSql } from './events-sql';
import type { SqlParams } from './sql-params';
import { presentSql, valueSql } from './value-sql';

// Compiles a (checked) rule to one SQL predicate over a profile row `p`: true exactly when the
// profile matches at t.asOf. Groups become AND / OR / NOT; every condition is an EXISTS or NOT
// EXISTS subquery correlated on p.id, never NULL, so NOT is exact. The in-memory twin is
// evaluate/rule-evaluator.ts.
export function ruleSql(rule: Rule, t: CompileTarget, params: SqlParams, p = 'p'): string {
  switch (kindOf(rule)) {
    case 'all':
      return `(${(rule as AllGroup).all.map((r) => ruleSql(r, t, params, p)).join(' AND ')})`;
    case 'any':
      return `(${(rule as AnyGroup).any.map((r) => ruleSql(r, t, params, p)).join(' OR ')})`;
    case 'not':
      return `(NOT ${ruleSql((rule as NotGroup).not, t, params, p)})`;
    case 'trait': {
      const c = rule as TraitCondition;
      return traitSql(t.traitId(c.trait), c.op, c.value, p, t, params);
    }
    case 'audience': {
      const id = t.membershipTraitId((rule as AudienceCondition).audience);
      return traitSql(id, 'eq', true, p, t, params);
    }
    case 'identity':
      return identitySql(rule as IdentityCondition, p, t, params);
    case 'event':
      return eventSql(rule as EventCondition, p, t, params);
    case 'funnel':
      return funnelSql(rule as FunnelCondition, p, t, params);
  }
}

// The value of one trait of profile p: the current one, or the one in force at asOf.
function traitRows(traitId: number, p: string, t: CompileTarget, params: SqlParams): string {
  const id = params.add(traitId, 'int');
  if (!t.historical) return `trait_value x WHERE x.profile_id = ${p}.id AND x.trait_id = ${id}`;
  const at = params.add(t.asOf.toISOString(), 'timestamptz');
  return (
    `trait_revision x WHERE x.profile_id = ${p}.id AND x.trait_id = ${id} ` +
    `AND x.valid_from <= ${at} AND (x.valid_to IS NULL OR x.valid_to > ${at})`
  );
}

function traitSql(
  traitId: number,
  op: TraitOp,
  operand: unknown,
  p: string,
  t: CompileTarget,
  params: SqlParams,
): string {
  const rows = traitRows(traitId, p, t, params);
  if (op === 'missing') return `NOT EXISTS (SELECT 1 FROM ${rows} AND ${presentSql('x.value')})`;
  return `EXISTS (SELECT 1 FROM ${rows} AND ${valueSql('x.value', op, operand, t.asOf, params)})`;
}

function identitySql(c: IdentityCondition, p: string, t: CompileTarget, params: SqlParams): string {
  const seen = t.historical
    ? ` AND i.first_seen_at <= ${params.add(t.asOf.toISOString(), 'timestamptz')}`
    : '';
  const has = `EXISTS (SELECT 1 FROM identity i WHERE i.profile_id = ${p}.id AND i.type = ${params.add(c.identity, 'text')}${seen})`;
  return c.op === 'missing' ? `(NOT ${has})` : has;
}

// The profiles a rule is evaluated over: not merged away (and, reading the past, existing then),
// restricted to the scope when there is one.
export function universeSql(t: CompileTarget, params: SqlParams, p = 'p'): string {
  const existed = t.historical
    ? ` AND ${p}.created_at <= ${params.add(t.asOf.toISOString(), 'timestamptz')}`
    : '';
  const scoped = t.scope ? ` AND ${p}.id = ANY(${t.scope})` : '';
  return `${p}.merged_into IS NULL${existed}${scoped}`;
}
