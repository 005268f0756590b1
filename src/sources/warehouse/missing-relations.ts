import { Client, type ClientBase } from 'pg';

// Which of the given relations (schema.table) do not exist in the warehouse. Scheduled runs of a
// source wait (no run, one log line) while a relation they read is missing: a fresh database has
// no dbt output yet, and a schedule should not greet it with a failed run at every tick.
export async function missingRelations(
  client: ClientBase,
  relations: readonly string[],
): Promise<string[]> {
  if (relations.length === 0) return [];
  const { rows } = await client.query<{ relation: string; found: boolean }>(
    `SELECT r AS relation, to_regclass(r) IS NOT NULL AS found FROM unnest($1::text[]) r`,
    [relations],
  );
  return rows.filter((r) => !r.found).map((r) => r.relation);
}

export async function missingRelationsAt(
  url: string,
  relations: readonly string[],
): Promise<string[]> {
  if (relations.length === 0) return [];
  const client = new Client({
    connectionString: url,
    application_name: 'traitbase-schedule',
    connectionTimeoutMillis: 10_000,
  });
  await client.connect();
  try {
    return await missingRelations(client, relations);
  } finally {
    await client.end();
  }
}
