import { sql } from './sql';
import type { TestApp } from './test-app';

// Every text, JSON and array column of the test schema that holds one of the needles, as
// "table.column": where a person's identifiers are still stored.
export async function columnsHolding(t: TestApp, needles: readonly string[]): Promise<string[]> {
  return searchColumns(t, needles, ['text', 'jsonb', 'json', 'ARRAY', 'character varying']);
}

// The same over every column of any type a profile id can be stored in (uuid, uuid[], text, JSON).
export async function columnsHoldingId(t: TestApp, id: string): Promise<string[]> {
  return searchColumns(t, [id], ['uuid', 'text', 'jsonb', 'json', 'ARRAY', 'character varying']);
}

// Reads the catalog (no list of tables to keep up to date): every base table of the schema,
// partitions and partitioned parents alike.
async function searchColumns(
  t: TestApp,
  needles: readonly string[],
  types: readonly string[],
): Promise<string[]> {
  const columns = await sql<{ table_name: string; column_name: string }>(
    t,
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
     JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
     WHERE c.table_schema = $1 AND c.data_type = ANY($2)`,
    [t.db.schema, types],
  );
  const found: string[] = [];
  for (const c of columns) {
    for (const needle of needles) {
      const [row] = await sql<{ n: string }>(
        t,
        `SELECT count(*) AS n FROM "${c.table_name}" WHERE "${c.column_name}"::text LIKE '%' || $1 || '%'`,
        [needle],
      );
      if (Number(row.n) > 0) found.push(`${c.table_name}.${c.column_name}`);
    }
  }
  return found;
}
