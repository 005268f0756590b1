import type { TraitType } from '../../../trait-definitions/trait-spec';

// A warehouse column as pg_catalog describes it (domains resolved to their base type).
export interface WarehouseColumn {
  name: string;
  // format_type(): "numeric(12,2)", "timestamp with time zone", …
  type: string;
  // pg_type.typname of the base type: int8, numeric, timestamptz, …
  typname: string;
  // pg_type.typcategory: B boolean, N numeric, S string, D date/time, E enum, U user (json, uuid), A array
  category: string;
}

export type ColumnKind = 'boolean' | 'number' | 'text' | 'timestamp' | 'date' | 'json';

const TIMESTAMPS = new Set(['timestamptz', 'timestamp']);

// How a column's text output is read back; null when we do not read that type at all.
export function columnKind(c: WarehouseColumn): ColumnKind | null {
  if (c.category === 'B') return 'boolean';
  // money prints with a currency sign: not a number we can read faithfully.
  if (c.category === 'N' && c.typname !== 'money') return 'number';
  if (TIMESTAMPS.has(c.typname)) return 'timestamp';
  if (c.typname === 'date') return 'date';
  if (c.typname === 'json' || c.typname === 'jsonb') return 'json';
  if (c.category === 'S' || c.category === 'E' || c.typname === 'uuid') return 'text';
  return null;
}

const ACCEPTS: Record<TraitType, readonly ColumnKind[]> = {
  boolean: ['boolean'],
  number: ['number'],
  string: ['text'],
  category: ['text'],
  timestamp: ['timestamp', 'date'],
  json: ['json'],
};

// Why a column cannot feed a trait of this type, or null when it can.
export function traitTypeProblem(c: WarehouseColumn, traitType: TraitType): string | null {
  const kind = columnKind(c);
  if (kind && ACCEPTS[traitType].includes(kind)) return null;
  return `column ${c.name} is ${c.type}, which does not fit a ${traitType} trait`;
}

// Identity values are read as text: numbers, strings and uuids qualify.
export function identityProblem(c: WarehouseColumn): string | null {
  const kind = columnKind(c);
  return kind === 'text' || kind === 'number'
    ? null
    : `identity column ${c.name} is ${c.type}; it must be text, a number or a uuid`;
}

// The high-water mark needs a totally ordered scalar: a timestamp, a date or a number.
export function cursorProblem(c: WarehouseColumn): string | null {
  const kind = columnKind(c);
  return kind === 'timestamp' || kind === 'date' || kind === 'number'
    ? null
    : `cursor column ${c.name} is ${c.type}; it must be a timestamp, a date or a number`;
}
