import { quoteIdent } from '../artifacts/relation-name';
import type { ResolvedSource } from '../sources/resolved-source';
import { columnKind, ColumnKind, WarehouseColumn } from './pg-type-compat';

// The columns of one read, in SELECT order: identities, then the cursor, then trait columns
// (a column feeding several traits is read once).
export interface ReadPlan {
  select: string;
  orderBy: string;
  identities: { index: number; type: string; column: string }[];
  cursor: { index: number; kind: ColumnKind; sqlType: string; column: string } | null;
  traits: { index: number; trait: string; kind: ColumnKind }[];
  width: number;
}

const ISO_US = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

// Every value comes back as text; timestamps as ISO-8601 UTC with microseconds (timestamp without
// time zone is taken as UTC), so a cursor value round-trips exactly.
function textOf(column: WarehouseColumn): string {
  const q = quoteIdent(column.name);
  if (column.typname === 'timestamptz') return `to_char(${q} AT TIME ZONE 'UTC', ${ISO_US})`;
  if (column.typname === 'timestamp' || column.typname === 'date')
    return `to_char(${q}, ${ISO_US})`;
  return `${q}::text`;
}

export function readPlan(
  source: ResolvedSource,
  columns: ReadonlyMap<string, WarehouseColumn>,
): ReadPlan {
  const exprs: string[] = [];
  const indexOf = new Map<string, number>();
  const add = (name: string): number => {
    const known = indexOf.get(name);
    if (known !== undefined) return known;
    // Aliased: ORDER BY "col" must name the relation's column, not a text output column.
    exprs.push(`${textOf(columns.get(name) as WarehouseColumn)} AS __tb_${exprs.length}`);
    indexOf.set(name, exprs.length - 1);
    return exprs.length - 1;
  };
  const identities = source.identities.map((id) => ({
    index: add(id.column),
    type: id.type,
    column: id.column,
  }));
  const cursorColumn = source.cursor ? (columns.get(source.cursor) as WarehouseColumn) : null;
  const cursor = cursorColumn
    ? {
        index: add(cursorColumn.name),
        kind: columnKind(cursorColumn) as ColumnKind,
        sqlType: cursorColumn.type,
        column: cursorColumn.name,
      }
    : null;
  const traits = source.traits.map((t) => ({
    index: add(t.column),
    trait: t.trait,
    kind: columnKind(columns.get(t.column) as WarehouseColumn) as ColumnKind,
  }));
  // Cursor first so the high-water mark is monotonic; identities make the order deterministic.
  const order = [
    ...(cursorColumn ? [cursorColumn.name] : []),
    ...source.identities.map((i) => i.column),
  ];
  return {
    select: exprs.join(', '),
    orderBy: order.map((c) => `${quoteIdent(c)} NULLS FIRST`).join(', '),
    identities,
    cursor,
    traits,
    width: exprs.length,
  };
}
