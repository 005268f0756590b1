import type { PoolClient } from 'pg';
import type { ResolvedSource } from '../sources/resolved-source';
import { SyncFailure } from '../sync/sync-failure';
import {
  cursorProblem,
  identityProblem,
  traitTypeProblem,
  WarehouseColumn,
} from './pg-type-compat';

const COLUMNS_SQL = `
SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, b.typname, b.typcategory AS category
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`;

async function relationOid(client: PoolClient, relation: string): Promise<string> {
  let oid: string | null;
  try {
    const res = await client.query<{ oid: string | null }>(
      'SELECT to_regclass($1)::oid::text AS oid',
      [relation],
    );
    oid = res.rows[0].oid;
  } catch {
    throw new SyncFailure(`relation ${relation}: not a valid relation name`);
  }
  if (!oid) throw new SyncFailure(`relation ${relation} does not exist in the warehouse`);
  return oid;
}

function problemsOf(
  source: ResolvedSource,
  columns: ReadonlyMap<string, WarehouseColumn>,
): string[] {
  const problems: string[] = [];
  const column = (name: string, role: string) => {
    const found = columns.get(name);
    if (!found) problems.push(`column ${name} (${role}) is missing from ${source.relation}`);
    return found;
  };
  for (const id of source.identities) {
    const c = column(id.column, `identity ${id.type}`);
    const p = c && identityProblem(c);
    if (p) problems.push(p);
  }
  if (source.cursor) {
    const c = column(source.cursor, 'cursor');
    const p = c && cursorProblem(c);
    if (p) problems.push(p);
  }
  for (const t of source.traits) {
    const c = column(t.column, `trait ${t.trait}`);
    const p = c && traitTypeProblem(c, t.type);
    if (p) problems.push(`trait ${t.trait}: ${p}`);
  }
  return problems;
}

export interface InspectedRelation {
  // The relation as Postgres prints it (quoted where needed): safe to put in a query.
  name: string;
  columns: Map<string, WarehouseColumn>;
}

// Checks, before reading a row, that the relation exists and that every column the source names
// is there with a type that fits; all problems are reported at once.
export async function inspectRelation(
  client: PoolClient,
  source: ResolvedSource,
): Promise<InspectedRelation> {
  const oid = await relationOid(client, source.relation);
  const name = await client.query<{ name: string }>('SELECT $1::regclass::text AS name', [oid]);
  const res = await client.query<WarehouseColumn>(COLUMNS_SQL, [oid]);
  const columns = new Map(res.rows.map((c) => [c.name, c]));
  const problems = problemsOf(source, columns);
  if (problems.length > 0) throw new SyncFailure(problems.join('; '));
  return { name: name.rows[0].name, columns };
}
