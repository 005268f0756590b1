import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

// One transaction on a pooled connection, with the raw pg client for set-based SQL.
export async function inTransaction<T>(
  db: DataSource,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const runner = db.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  try {
    await client.query('BEGIN');
    const out = await work(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await runner.release();
  }
}
