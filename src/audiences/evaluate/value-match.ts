import { minus } from '../rule/rule-time';
import type { PropertyOp, TraitOp } from '../rule/rule.types';

// The in-memory twin of compile/value-sql.ts: whether a JSON value (a trait value, an event
// property) satisfies an op. The two must agree on every value; test/audience-sql-equivalence
// checks them against each other.

const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function isPresent(v: unknown): boolean {
  return v !== null && v !== undefined;
}

// jsonb equality for the scalars operands can be: numbers by value, strings and booleans exactly.
export function jsonEqual(a: unknown, b: unknown): boolean {
  return (
    (typeof a === 'number' || typeof a === 'string' || typeof a === 'boolean') &&
    typeof a === typeof b &&
    a === b
  );
}

function timeOf(v: unknown): number | null {
  return typeof v === 'string' && TIMESTAMP_TEXT.test(v) ? Date.parse(v) : null;
}

function num(v: unknown, test: (n: number) => boolean): boolean {
  return typeof v === 'number' && test(v);
}

function time(v: unknown, test: (t: number) => boolean): boolean {
  const t = timeOf(v);
  return t !== null && test(t);
}

export function valueMatches(
  v: unknown,
  op: TraitOp | PropertyOp,
  operand: unknown,
  asOf: Date,
): boolean {
  const now = asOf.getTime();
  switch (op) {
    case 'exists':
      return isPresent(v);
    case 'missing':
      return !isPresent(v);
    case 'eq':
      return jsonEqual(v, operand);
    case 'ne':
      return isPresent(v) && !jsonEqual(v, operand);
    case 'in':
      return (operand as unknown[]).some((o) => jsonEqual(v, o));
    case 'gt':
      return num(v, (n) => n > (operand as number));
    case 'gte':
      return num(v, (n) => n >= (operand as number));
    case 'lt':
      return num(v, (n) => n < (operand as number));
    case 'lte':
      return num(v, (n) => n <= (operand as number));
    case 'contains':
      return typeof v === 'string' && v.includes(operand as string);
    case 'starts_with':
      return typeof v === 'string' && v.startsWith(operand as string);
    case 'between': {
      const [low, high] = operand as [unknown, unknown];
      if (typeof low === 'number') return num(v, (n) => n >= low && n <= (high as number));
      return time(v, (t) => t >= Date.parse(low as string) && t <= Date.parse(high as string));
    }
    case 'before':
      return time(v, (t) => t < Date.parse(operand as string));
    case 'after':
      return time(v, (t) => t > Date.parse(operand as string));
    case 'within_last': {
      const from = minus(asOf, operand as string).getTime();
      return time(v, (t) => t >= from && t <= now);
    }
    case 'more_than_ago':
      return time(v, (t) => t < minus(asOf, operand as string).getTime());
  }
}
