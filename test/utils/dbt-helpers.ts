import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { TEST_DATABASE_URL } from './env';

export interface RunRow {
  id: string;
  status: string;
  error: string | null;
  rows_read: number;
  rows_changed: number;
  rows_unchanged: number;
  rows_rejected: number;
  rejected_sample: { trait: string | null; reason: string }[];
  high_water_mark: { column: string; value: string } | null;
  metadata: Record<string, unknown>;
}

// A warehouse schema of its own in the test database (dbt outputs live beside the service here,
// as with the default WAREHOUSE_URL).
export interface Warehouse {
  schema: string;
  query: (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
  close: () => Promise<void>;
}

export async function createWarehouse(): Promise<Warehouse> {
  const schema = `wh_${randomBytes(5).toString('hex')}`;
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  return {
    schema,
    query: async (text, params = []) => (await client.query(text, params)).rows as Record<string, unknown>[],
    close: async () => {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

// Polls the service schema for the first finished run of a source started at or after `after`.
export async function waitForRun(
  query: (text: string, params: unknown[]) => Promise<unknown[]>,
  source: string,
  after: Date,
  timeoutMs = 60_000,
): Promise<RunRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = (await query(
      `SELECT * FROM run WHERE source = $1 AND started_at >= $2 AND status <> 'running' ORDER BY started_at DESC LIMIT 1`,
      [source, after],
    )) as RunRow[];
    if (rows.length > 0) return rows[0];
    if (Date.now() > deadline) throw new Error(`no finished run of ${source} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
