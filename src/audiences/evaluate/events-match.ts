import { countBounds } from '../rule/event-count';
import { msOf } from '../rule/rule-time';
import type {
  EventCondition,
  FunnelCondition,
  FunnelStep,
  PropertyFilter,
} from '../rule/rule.types';
import type { EventFact } from './profile-facts';
import { valueMatches } from './value-match';

// The in-memory twin of compile/events-sql.ts.

// properties #> path: objects by key, arrays by index (negative from the end), else nothing.
export function propertyAt(properties: unknown, path: readonly string[]): unknown {
  let at: unknown = properties;
  for (const seg of path) {
    if (Array.isArray(at)) {
      if (!/^-?\d+$/.test(seg)) return undefined;
      const i = Number(seg);
      at = at[i < 0 ? at.length + i : i];
    } else if (typeof at === 'object' && at !== null) {
      at = Object.prototype.hasOwnProperty.call(at, seg)
        ? (at as Record<string, unknown>)[seg]
        : undefined;
    } else {
      return undefined;
    }
  }
  return at;
}

function passes(e: EventFact, filters: PropertyFilter[] | undefined, asOf: Date): boolean {
  return (filters ?? []).every((f) =>
    valueMatches(propertyAt(e.properties, f.property.split('.')), f.op, f.value, asOf),
  );
}

// Occurrences of one step, not after asOf and not before `from`.
function occurrences(
  events: readonly EventFact[],
  step: FunnelStep,
  from: number,
  asOf: Date,
): number[] {
  const until = asOf.getTime();
  return events
    .filter(
      (e) => e.event === step.event && e.at <= until && e.at >= from && passes(e, step.where, asOf),
    )
    .map((e) => e.at);
}

export function eventMatches(c: EventCondition, events: readonly EventFact[], asOf: Date): boolean {
  if (c.last) {
    const all = occurrences(events, c, -Infinity, asOf);
    if (all.length === 0) return false;
    const latest = Math.max(...all);
    const recent = latest >= asOf.getTime() - msOf(c.last.value);
    return c.last.op === 'within_last' ? recent : !recent;
  }
  const from = c.within ? asOf.getTime() - msOf(c.within) : -Infinity;
  const n = occurrences(events, c, from, asOf).length;
  const { low, high } = countBounds(c);
  return n >= low && n <= high;
}

export function funnelMatches(
  c: FunnelCondition,
  events: readonly EventFact[],
  asOf: Date,
): boolean {
  const from = c.lookback ? asOf.getTime() - msOf(c.lookback) : -Infinity;
  const window = msOf(c.within);
  const steps = c.funnel.map((s) => occurrences(events, s, from, asOf));
  const last = steps.length - 1;
  const excluded = c.then_not ? occurrences(events, c.then_not, -Infinity, asOf) : [];
  return steps[last].some((end) => {
    let next = end;
    for (let i = last - 1; i >= 0; i--) {
      const before = steps[i].filter((t) => t < next && t >= end - window);
      if (before.length === 0) return false;
      next = Math.max(...before);
    }
    if (!c.then_not) return true;
    if (end > asOf.getTime() - window) return false;
    return !excluded.some((t) => t > end && t <= end + window);
  });
}
