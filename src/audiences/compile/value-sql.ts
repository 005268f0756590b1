import { isoOf, minus } from '../rule/rule-time';
import type { PropertyOp, TraitOp } from '../rule/rule.types';
import type { SqlParams } from './sql-params';

// The SQL twin of evaluate/value-match.ts: whether a jsonb value (a trait value, an event
// property) satisfies an op. Operands are typed parameters; a value of the wrong JSON type never
// matches (and is never cast, so an old value of another type cannot fail the statement).

// Stored timestamps are ISO-8601 text (what the write path stores); only those are cast.
export const TIMESTAMP_TEXT =
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';

export function presentSql(v: string): string {
  return `coalesce(jsonb_typeof(${v}), 'null') <> 'null'`;
}

function numberSql(v: string, compare: (n: string) => string): string {
  return `CASE WHEN jsonb_typeof(${v}) = 'number' THEN ${compare(`(${v})::numeric`)} ELSE false END`;
}

function textSql(v: string, compare: (t: string) => string): string {
  return `CASE WHEN jsonb_typeof(${v}) = 'string' THEN ${compare(`(${v} #>> '{}')`)} ELSE false END`;
}

function timeSql(v: string, compare: (t: string) => string, params: SqlParams): string {
  const iso = params.add(TIMESTAMP_TEXT, 'text');
  return (
    `CASE WHEN jsonb_typeof(${v}) = 'string' AND (${v} #>> '{}') ~ ${iso} ` +
    `THEN ${compare(`(${v} #>> '{}')::timestamptz`)} ELSE false END`
  );
}

// `asOf` is the evaluation time, for within_last / more_than_ago.
export function valueSql(
  v: string,
  op: TraitOp | PropertyOp,
  operand: unknown,
  asOf: Date,
  params: SqlParams,
): string {
  const json = (x: unknown) => params.add(JSON.stringify(x), 'jsonb');
  switch (op) {
    case 'exists':
      return presentSql(v);
    case 'missing':
      return `NOT (${presentSql(v)})`;
    case 'eq':
      return `(${v} = ${json(operand)})`;
    case 'ne':
      return `(${presentSql(v)} AND ${v} <> ${json(operand)})`;
    case 'in':
      return `(${v} = ANY(${params.add(
        (operand as unknown[]).map((x) => JSON.stringify(x)),
        'jsonb[]',
      )}))`;
    case 'gt':
      return numberSql(v, (n) => `${n} > ${params.add(String(operand), 'numeric')}`);
    case 'gte':
      return numberSql(v, (n) => `${n} >= ${params.add(String(operand), 'numeric')}`);
    case 'lt':
      return numberSql(v, (n) => `${n} < ${params.add(String(operand), 'numeric')}`);
    case 'lte':
      return numberSql(v, (n) => `${n} <= ${params.add(String(operand), 'numeric')}`);
    case 'contains':
      return textSql(v, (t) => `strpos(${t}, ${params.add(operand, 'text')}) > 0`);
    case 'starts_with':
      return textSql(v, (t) => `starts_with(${t}, ${params.add(operand, 'text')})`);
    case 'between': {
      const [low, high] = operand as [unknown, unknown];
      if (typeof low === 'number') {
        return numberSql(
          v,
          (n) =>
            `${n} BETWEEN ${params.add(String(low), 'numeric')} AND ${params.add(String(high), 'numeric')}`,
        );
      }
      return timeSql(
        v,
        (t) =>
          `${t} BETWEEN ${params.add(isoOf(low as string), 'timestamptz')} AND ${params.add(isoOf(high as string), 'timestamptz')}`,
        params,
      );
    }
    case 'before':
      return timeSql(
        v,
        (t) => `${t} < ${params.add(isoOf(operand as string), 'timestamptz')}`,
        params,
      );
    case 'after':
      return timeSql(
        v,
        (t) => `${t} > ${params.add(isoOf(operand as string), 'timestamptz')}`,
        params,
      );
    case 'within_last': {
      const from = minus(asOf, operand as string).toISOString();
      return timeSql(
        v,
        (t) =>
          `${t} BETWEEN ${params.add(from, 'timestamptz')} AND ${params.add(asOf.toISOString(), 'timestamptz')}`,
        params,
      );
    }
    case 'more_than_ago': {
      const before = minus(asOf, operand as string).toISOString();
      return timeSql(v, (t) => `${t} < ${params.add(before, 'timestamptz')}`, params);
    }
  }
}
