import { durationSeconds } from '../../trait-definitions/rules/duration';
import type { TraitType } from '../../trait-definitions/trait-spec';
import { RULE_LIMITS } from './rule.schema';
import type { PropertyOp, TraitOp } from './rule.types';

// Which ops each trait type takes (predicted scores are numbers like any other).
export const OPS_BY_TYPE: Record<TraitType, readonly TraitOp[]> = {
  number: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'exists', 'missing'],
  string: ['eq', 'ne', 'in', 'contains', 'starts_with', 'exists', 'missing'],
  category: ['eq', 'ne', 'in', 'contains', 'starts_with', 'exists', 'missing'],
  boolean: ['eq', 'ne', 'exists', 'missing'],
  timestamp: ['before', 'after', 'between', 'within_last', 'more_than_ago', 'exists', 'missing'],
  json: ['exists', 'missing'],
};

// ISO-8601: a date, or a date-time with a zone (Z or ±hh:mm), so every reader agrees on the instant.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export function isIsoTime(value: unknown): value is string {
  return typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

type Scalar = 'number' | 'string' | 'boolean' | 'timestamp' | 'scalar';

function scalarRule(kind: Scalar, value: unknown): string | null {
  switch (kind) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'string':
      return typeof value === 'string' && value.length <= RULE_LIMITS.text
        ? null
        : `must be a string of at most ${RULE_LIMITS.text} characters`;
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'timestamp':
      return isIsoTime(value)
        ? null
        : 'must be an ISO-8601 time with a zone (2026-01-31T00:00:00Z)';
    case 'scalar':
      return (typeof value === 'number' && Number.isFinite(value)) ||
        typeof value === 'boolean' ||
        (typeof value === 'string' && value.length <= RULE_LIMITS.text)
        ? null
        : 'must be a string, a number or true/false';
  }
}

function compare(kind: Scalar, a: unknown, b: unknown): number {
  return kind === 'timestamp'
    ? Date.parse(a as string) - Date.parse(b as string)
    : (a as number) - (b as number);
}

// What an op needs as its value, for values of one kind; null when `value` fits. `present`
// tells an absent value from an explicit null.
export function operandRule(
  op: TraitOp | PropertyOp,
  kind: Scalar,
  value: unknown,
  present: boolean,
): string | null {
  switch (op) {
    case 'exists':
    case 'missing':
      return present ? `takes no value with op ${op}` : null;
    case 'eq':
    case 'ne':
      return scalarRule(kind, value);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return scalarRule('number', value);
    case 'before':
    case 'after':
      return scalarRule('timestamp', value);
    case 'contains':
    case 'starts_with':
      return typeof value === 'string' && value.length > 0
        ? scalarRule('string', value)
        : 'must be a non-empty string';
    case 'within_last':
    case 'more_than_ago':
      return typeof value === 'string' && durationSeconds(value) !== null
        ? null
        : 'must be a duration like 30m, 2h, 7d or 1w';
    case 'between': {
      const k = kind === 'timestamp' ? 'timestamp' : 'number';
      if (!Array.isArray(value) || value.length !== 2) return 'must be a list [low, high]';
      const bad = value.map((v) => scalarRule(k, v)).find((r) => r !== null);
      if (bad) return `each bound ${bad}`;
      return compare(k, value[0], value[1]) <= 0 ? null : 'low must not be above high';
    }
    case 'in': {
      if (!Array.isArray(value) || value.length === 0) return 'must be a non-empty list';
      if (value.length > RULE_LIMITS.listValues)
        return `must list at most ${RULE_LIMITS.listValues} values`;
      const bad = value.map((v) => scalarRule(kind, v)).find((r) => r !== null);
      return bad ? `each value ${bad}` : null;
    }
  }
}

// The kind of value a trait type compares with.
export function scalarOfType(type: TraitType): Scalar {
  if (type === 'category') return 'string';
  if (type === 'json') return 'scalar';
  return type;
}
