import { countBounds } from '../rule/event-count';
import { minus, msOf } from '../rule/rule-time';
import type {
  EventCondition,
  FunnelCondition,
  FunnelStep,
  PropertyFilter,
} from '../rule/rule.types';
import type { CompileTarget } from './compile-target';
import type { SqlParams } from './sql-params';
import { valueSql } from './value-sql';

// Event and funnel conditions over the `events` table (indexed by (profile_id, timestamp)). Every
// condition is an EXISTS / NOT EXISTS correlated on p.id, so at the top of a rule the planner
// turns it into a semi- or anti-join over the whole table, and inside OR / NOT it probes the
// index per profile. Only events at or before the evaluation time count.

function filtersSql(
  e: string,
  filters: PropertyFilter[] | undefined,
  t: CompileTarget,
  params: SqlParams,
): string {
  return (filters ?? [])
    .map((f) => {
      const path = params.add(f.property.split('.'), 'text[]');
      return ` AND ${valueSql(`${e}.properties #> ${path}`, f.op, f.value, t.asOf, params)}`;
    })
    .join('');
}

function interval(ms: number, params: SqlParams): string {
  return `(${params.add(ms / 1000, 'bigint')} * interval '1 second')`;
}

// Events of one step: of profile p (null: of any profile), name, filters, not after asOf, not
// before `from`.
function stepRows(
  e: string,
  p: string | null,
  step: FunnelStep,
  from: Date | null,
  t: CompileTarget,
  params: SqlParams,
): string {
  return (
    (p ? `${e}.profile_id = ${p}.id AND ` : '') +
    `${e}.event = ${params.add(step.event, 'text')} ` +
    `AND ${e}.timestamp <= ${params.add(t.asOf.toISOString(), 'timestamptz')}` +
    (from ? ` AND ${e}.timestamp >= ${params.add(from.toISOString(), 'timestamptz')}` : '') +
    filtersSql(e, step.where, t, params)
  );
}

export function eventSql(
  cond: EventCondition,
  p: string,
  t: CompileTarget,
  params: SqlParams,
): string {
  if (cond.last) {
    // Every parameter added must be used: build only the parts the op needs.
    const since = (from: Date | null) =>
      `EXISTS (SELECT 1 FROM events e WHERE ${stepRows('e', p, cond, from, t, params)})`;
    const recent = minus(t.asOf, cond.last.value);
    return cond.last.op === 'within_last'
      ? since(recent)
      : `(${since(null)} AND NOT ${since(recent)})`;
  }
  const from = cond.within ? minus(t.asOf, cond.within) : null;
  const { low, high } = countBounds(cond);
  if (low <= 0 && high === Infinity) return 'true';
  // Inside an aggregate the rows are not correlated: profile_id is grouped instead.
  const rows = (correlated: boolean) => stepRows('e', correlated ? p : null, cond, from, t, params);
  if (low === 1 && high === Infinity) return `EXISTS (SELECT 1 FROM events e WHERE ${rows(true)})`;
  if (low <= 0 && high === 0) return `NOT EXISTS (SELECT 1 FROM events e WHERE ${rows(true)})`;
  const scope = t.scope ? `e.profile_id = ANY(${t.scope}) AND ` : '';
  const having =
    low <= 0
      ? `count(*) > ${params.add(high, 'bigint')}`
      : `count(*) >= ${params.add(low, 'bigint')}` +
        (high === Infinity ? '' : ` AND count(*) <= ${params.add(high, 'bigint')}`);
  const counted =
    `SELECT e.profile_id FROM events e WHERE ${scope}${rows(false)} ` +
    `GROUP BY e.profile_id HAVING ${having}`;
  return `${low <= 0 ? 'NOT ' : ''}EXISTS (SELECT 1 FROM (${counted}) c WHERE c.profile_id = ${p}.id)`;
}

// A funnel matches when some occurrence of its last step has, going back, an occurrence of each
// earlier step strictly before the next one, the first no more than `within` before the last.
// Taking the latest earlier occurrence at each step back is the best choice for that test.
// With then_not, that last step must also be followed by no then_not event within `within`, and
// `within` must have passed.
export function funnelSql(
  cond: FunnelCondition,
  p: string,
  t: CompileTarget,
  params: SqlParams,
): string {
  const from = cond.lookback ? minus(t.asOf, cond.lookback) : null;
  const steps = cond.funnel;
  const last = steps.length - 1;
  const window = interval(msOf(cond.within), params);
  const start = `(fl.timestamp - ${window})`;
  // The latest occurrence of step i strictly before `next`, and no earlier than the window start.
  let chain = 'fl.timestamp';
  for (let i = last - 1; i >= 0; i--) {
    const alias = `f${i}`;
    chain =
      `(SELECT max(${alias}.timestamp) FROM events ${alias} WHERE ${stepRows(alias, p, steps[i], from, t, params)} ` +
      `AND ${alias}.timestamp < ${chain} AND ${alias}.timestamp >= ${start})`;
  }
  const ordered = last > 0 ? ` AND ${chain} IS NOT NULL` : '';
  let thenNot = '';
  if (cond.then_not) {
    const passed = new Date(t.asOf.getTime() - msOf(cond.within)).toISOString();
    const x = cond.then_not;
    thenNot =
      ` AND fl.timestamp <= ${params.add(passed, 'timestamptz')} AND NOT EXISTS (SELECT 1 FROM events fx WHERE ` +
      `${stepRows('fx', p, x, null, t, params)} AND fx.timestamp > fl.timestamp ` +
      `AND fx.timestamp <= fl.timestamp + ${window})`;
  }
  return `EXISTS (SELECT 1 FROM events fl WHERE ${stepRows('fl', p, steps[last], from, t, params)}${ordered}${thenNot})`;
}
