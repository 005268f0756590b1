import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

// One transaction on a pooled connection, with the raw pg client for set-based SQL: the one way
// the write paths (traits, identity, the change feed) run a transaction. `begin` may add
// statements to the first round trip (settings, locks).
export async function inTransaction<T>(
  db: DataSource,
  work: (client: PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const runner = db.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  try {
    await client.query(begin);
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
